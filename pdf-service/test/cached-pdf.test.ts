import { PROJECT_SNAPSHOT_SUBJECT } from '@playbook/contract';
import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { Types } from 'mongoose';
import { createCapturingLogger, testMongoUrl } from '../../test/support/test-env';
import { inspectPdf, startPdfStack, type PdfStack } from './support/pdf-stack';
import { sampleResponses } from './support/sample-project';

/*
 * A cached PDF is found from the project's versions alone (project.v1.version.get): the answers are not read
 * and no snapshot travels. Seen on the wire: a plain subscription gets a copy of every snapshot request.
 */
describe('a cached PDF', () => {
  let stack: PdfStack;
  let projectsDb: MongoHandle;
  let snapshotRequests = 0;
  beforeAll(async () => {
    stack = await startPdfStack();
    projectsDb = await connectMongo({ url: testMongoUrl(), dbName: `${stack.dbName}_projects`, logger: createCapturingLogger('test-db').logger });
    stack.nats.connection.subscribe(PROJECT_SNAPSHOT_SUBJECT, { callback: () => snapshotRequests++ });
  }, 60_000);
  afterAll(async () => {
    await projectsDb?.close();
    await stack?.stop();
  }, 30_000);

  const generate = async (token: string, projectId: string) => {
    const response = await stack.pdfApi('POST', '/api/generate-pdf', token, { project_id: projectId });
    expect(response.status).toBe(200);
    return { jobId: response.headers.get('x-pdf-job-id'), text: (await inspectPdf(new Uint8Array(await response.arrayBuffer()))).text };
  };

  it('is served without a snapshot of the answers; a changed project gets a new one', async () => {
    const ada = stack.tokenFor('ada');
    const [first] = sampleResponses(1);
    const projectId = await stack.createProject(ada, 'Served from the versions', sampleResponses(5));
    const rendered = await generate(ada, projectId);
    await stack.nats.connection.flush();
    const before = snapshotRequests;
    for (let i = 0; i < 3; i++) expect((await generate(ada, projectId)).jobId).toBe(rendered.jobId);
    await stack.nats.connection.flush();
    expect(snapshotRequests - before).toBe(0);

    await stack.saveAnswers(ada, projectId, [{ fieldId: first!.fieldId, value: 'Changed after the first PDF' }]);
    const changed = await generate(ada, projectId);
    expect(changed.jobId).not.toBe(rendered.jobId);
    expect(changed.text).toContain('Changed after the first PDF');
  }, 90_000); // two renders: seconds each when other suites share the machine's two cores

  it('shows a save left half-done (answers written, project version not, lock held), not the PDF from before it', async () => {
    const bea = stack.tokenFor('bea');
    const [first] = sampleResponses(1);
    const projectId = await stack.createProject(bea, 'Half-done save', sampleResponses(3));
    const before = await generate(bea, projectId);
    // What a crash between a save's two writes leaves (see project-service's README): the answers one version ahead, the lock.
    const _id = new Types.ObjectId(projectId);
    const answerKey = first!.fieldId.replaceAll('.', ':');
    await projectsDb.connection.collection('project_locks').insertOne({ _id, writeId: 'crashed', startedAt: new Date() });
    await projectsDb.connection.collection('answers').updateOne({ _id }, { $set: { [`answers.${answerKey}`]: { fieldId: first!.fieldId, value: 'Saved just before the crash', updatedAt: new Date() }, version: 2 } });

    const after = await generate(bea, projectId);
    expect(after.jobId).not.toBe(before.jobId);
    expect(after.text).toContain('Saved just before the crash');
  }, 90_000);
});
