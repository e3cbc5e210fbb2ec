import { connect, JSONCodec, type JetStreamManager, type NatsConnection } from 'nats';
import { listPlaybookFields, PDF_OBJECT_STORE } from '@playbook/contract';
import { EVENT_STREAM } from '@playbook/kit/nats';
import { createUsers, savesInFlightAt, startTraffic, stopAllTraffic, summarize, verifyAnswers, type VirtualUser } from '../../bench/load/traffic';
import { PDF_RENDER_CONSUMER, PDF_WORK_STREAM } from '../../pdf-service/src/messaging/subjects';
import { harnessConnectOptions, startNatsCluster, type TestNatsCluster } from '../support/nats-server';
import { startStack, STACK_SERVICES, type StackServiceName, type TestStack } from '../support/stack';
import { answers, ApiClient, sleep, type PdfJob, type Session } from './support/api-client';
import { recordResult } from './support/fault-helpers';
import { http } from './support/http-client';
import { LOAD_ENV, pollUntil } from './support/system-stack';
import { playbookCatalog } from '../../project-service/src/domain/playbook-catalog';

const REPLICATED_STREAMS = [EVENT_STREAM, PDF_WORK_STREAM, `OBJ_${PDF_OBJECT_STORE}`];
/** Long PDFs queued at once; one render at a time, so most of them still wait in the work queue when the node dies. */
const QUEUED_JOBS = 4;
const JOB_FIELDS = 24;

type ClusterNode = TestNatsCluster['nodes'][number];

const isStackService = (name: string): name is StackServiceName => (STACK_SERVICES as readonly string[]).includes(name);

/** The stack's services connected to a node right now (each service names its NATS connection after itself). */
async function servicesConnectedTo(node: ClusterNode): Promise<StackServiceName[]> {
  const connz = (await (await fetch(`${node.monitorUrl}/connz?limit=1024`)).json()) as { connections?: Array<{ name?: string }> };
  return (connz.connections ?? []).map((connection) => connection.name ?? '').filter(isStackService);
}

/**
 * Moves the leadership of the streams and the render consumer onto `node` (JetStream's stepdown with a preferred
 * successor), so losing that node also loses every leader the PDF path and the events depend on.
 */
async function leadFrom(nats: NatsConnection, jsm: JetStreamManager, node: ClusterNode): Promise<void> {
  const codec = JSONCodec();
  const targets: Array<[string, () => Promise<string | undefined>]> = [
    ...REPLICATED_STREAMS.map((stream): [string, () => Promise<string | undefined>] => [`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, async () => (await jsm.streams.info(stream)).cluster?.leader]),
    [`$JS.API.CONSUMER.LEADER.STEPDOWN.${PDF_WORK_STREAM}.${PDF_RENDER_CONSUMER}`, async () => (await jsm.consumers.info(PDF_WORK_STREAM, PDF_RENDER_CONSUMER)).cluster?.leader],
  ];
  for (const [subject, leader] of targets) {
    const moved = await pollUntil(async () => {
      if ((await leader()) === node.name) return true;
      await nats.request(subject, codec.encode({ placement: { preferred: node.name } }), { timeout: 5_000 }).catch(() => undefined);
      return false;
    }, 20_000, 500);
    if (!moved) throw new Error(`${subject}: the leader did not move to ${node.name}`);
  }
}

/** Each replicated stream's leader and how many of its followers are current. */
async function replicaStates(jsm: JetStreamManager) {
  return Promise.all(
    REPLICATED_STREAMS.map(async (stream) => {
      const info = await jsm.streams.info(stream);
      return { stream, replicas: info.config.num_replicas, leader: info.cluster?.leader, currentFollowers: (info.cluster?.replicas ?? []).filter((peer) => peer.current && !peer.offline).length };
    }),
  );
}

const gatewayHealth = async (stack: TestStack<TestNatsCluster>) => (await http('GET', `${stack.gatewayUrl}/api/health`, { timeoutMs: 5_000, agent: false })).status;

describe('one node of a 3-node NATS cluster killed under PDF and save load', () => {
  let stack: TestStack<TestNatsCluster>;
  let users: VirtualUser[];
  let observer: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    const cluster = await startNatsCluster(3);
    stack = await startStack({
      nats: cluster,
      // One render at a time, so the queued jobs are still waiting in JetStream when the node goes.
      env: { ...LOAD_ENV, NATS_STREAM_REPLICAS: '3', PDF_PAGE_POOL_SIZE: '1', PDF_WORKER_CONCURRENCY: '1' },
    });
    observer = await connect({ ...harnessConnectOptions(cluster), name: 'fault-test-observer', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    jsm = await observer.jetstreamManager();
    users = await createUsers(stack.gatewayUrl, 4);
  }, 150_000);
  afterAll(async () => {
    await stopAllTraffic();
    await observer?.close();
    await stack?.stop();
  }, 60_000);

  it('loses no acknowledged save and no queued PDF job, is healthy again without a service restart, and heals when the node returns', async () => {
    const api = new ApiClient(stack.gatewayUrl);
    // The services created every stream, the work queue and the object store on all three nodes.
    const before = await replicaStates(jsm);
    expect(before.map(({ stream, replicas }) => ({ stream, replicas }))).toEqual(REPLICATED_STREAMS.map((stream) => ({ stream, replicas: 3 })));

    // The victim: the node serving the most services, made leader of every stream and of the render consumer.
    const connected = await Promise.all(stack.nats.nodes.map(async (node) => ({ node, services: await servicesConnectedTo(node) })));
    const { node: victim, services: victimServices } = connected.sort((a, b) => b.services.length - a.services.length)[0]!;
    expect(victimServices.length).toBeGreaterThan(0);
    await leadFrom(observer, jsm, victim);

    // Long PDFs (distinct per project, so none comes from the cache), saved before the traffic starts.
    const limits = new Map(listPlaybookFields(playbookCatalog).map(({ field }) => [field.id, field.maxLength]));
    const jobProjects: Array<{ session: Session; projectId: string }> = [];
    for (let index = 0; index < QUEUED_JOBS; index++) {
      const { session } = users[index % users.length]!;
      const projectId = await api.createProject(session, `Printed across a lost NATS node ${index}`);
      const long = (id: string) => `${index} ${id}: ${'Eine lange Antwort, 中文 und mehr.\n'.repeat(40)}`.slice(0, Math.min(2_000, limits.get(id) ?? 200));
      await api.saveAnswers(session, projectId, answers(JOB_FIELDS, long));
      jobProjects.push({ session, projectId });
    }
    const traffic = startTraffic({
      baseUrl: stack.gatewayUrl,
      users,
      durationMs: 60_000,
      thinkMs: 50,
      timeoutMs: 30_000,
      mix: { writeAnswers: 60, requestPdf: 3, pollJob: 5, listProjects: 5, readProject: 5, readAnswers: 5, readPlaybook: 2, me: 2 },
    });
    await sleep(1_500);
    const jobs = await Promise.all(jobProjects.map(async ({ session, projectId }) => ({ session, jobId: (await api.requestPdf(session, projectId)).jobId })));

    // The fault lands mid-work: a save is on the wire and jobs wait in the work queue when the node dies. The
    // queue is read first: a save can finish within the round trip of reading it.
    const waitingJobs = (await jsm.streams.info(PDF_WORK_STREAM)).state.messages;
    expect(await pollUntil(() => traffic.pending().some((request) => request.op === 'writeAnswers'), 10_000, 2)).toBe(true);
    const killedAt = Date.now();
    await victim.kill();
    expect(waitingJobs).toBeGreaterThan(0);

    // Each service that was connected to the lost node reconnects to a survivor by itself, and the whole
    // stack reports healthy again.
    const reconnected = await pollUntil(() => victimServices.every((name) => stack.logs(name).includes('reconnected to NATS')), 30_000, 100);
    expect(reconnected).toBe(true);
    const healthyMs = await pollUntil(async () => ((await gatewayHealth(stack)) === 200 ? Date.now() - killedAt : undefined), 30_000, 250);
    expect(healthyMs).toBeDefined();
    // The work queue takes new jobs again once the survivors have elected its new leader (until then a new
    // job is refused with 503, never lost), and renders them.
    const after = jobProjects[0]!;
    const afterProjectId = await api.createProject(after.session, 'After the loss');
    const accepted = await pollUntil(async () => {
      const result = await api.call('POST', `/api/projects/${afterProjectId}/pdf`, { token: after.session.accessToken, timeoutMs: 15_000 });
      return result.status === 202 || result.status === 200 ? { jobId: (JSON.parse(result.text) as PdfJob).jobId, ms: Date.now() - killedAt } : undefined;
    }, 45_000, 500);
    expect(accepted).toBeDefined();
    expect((await api.waitForJob(after.session, accepted!.jobId, 90_000)).status).toBe('done');
    await sleep(2_000);
    const samples = await traffic.stop();
    // Every request got an answer: none hung on a connection to the lost node.
    expect(samples.filter((sample) => sample.status === 0).map((sample) => `${sample.route}: ${sample.error}`)).toEqual([]);

    // Every acknowledged save is stored whole (each wrote its own fields with values no other save writes).
    const inFlight = savesInFlightAt(users, killedAt);
    expect(inFlight.length).toBeGreaterThan(0);
    const saves = await verifyAnswers(stack.gatewayUrl, users);
    expect(saves.details).toEqual([]);
    expect(saves.acknowledged).toBeGreaterThan(0);

    // Every job queued before the loss, and every one the traffic got a 202 for, finished with its PDF stored.
    const trafficJobs = users.flatMap((user) => user.jobIds.map((jobId) => ({ session: user.session, jobId })));
    const finished: Array<{ session: Session; job: PdfJob }> = [];
    for (const { session, jobId } of [...jobs, ...trafficJobs]) finished.push({ session, job: await api.waitForJob(session, jobId, 120_000) });
    expect(finished.filter(({ job }) => job.status !== 'done').map(({ job }) => `${job.jobId}: ${job.status} ${job.error ?? ''}`)).toEqual([]);
    for (const { session, job } of finished.slice(0, QUEUED_JOBS)) {
      const file = await api.call('GET', job.fileUrl!, { token: session.accessToken, timeoutMs: 15_000 });
      expect(file.status).toBe(200);
      expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');
    }
    // No service was restarted: the same processes, still running.
    for (const name of STACK_SERVICES) expect(stack.process(name)?.child.exitCode).toBeNull();

    // The node comes back on its store, catches up, and every stream has its three replicas current again.
    const restartedAt = Date.now();
    await victim.restart(60_000);
    const healed = await pollUntil(async () => {
      const states = await replicaStates(jsm);
      return states.every((state) => state.leader && state.currentFollowers === 2) ? states : undefined;
    }, 30_000, 500);
    expect(healed).toBeDefined();

    recordResult('faults', 'natsNodeLoss', {
      victim: victim.name,
      servicesOnVictim: victimServices,
      jobsWaitingAtKill: waitingJobs,
      savesInFlightAtKill: inFlight.length,
      healthyAfterKillMs: healthyMs,
      newJobsAcceptedAfterKillMs: accepted?.ms,
      healedAfterRestartMs: Date.now() - restartedAt,
      requests: samples.length,
      failed: samples.filter((s) => s.status >= 500 || s.status === 0).length,
      byRoute: summarize(samples).routes.map(({ route, statuses, max }) => ({ route, statuses, max })),
      jobsDone: finished.length,
      saves,
    });
  }, 300_000);
});
