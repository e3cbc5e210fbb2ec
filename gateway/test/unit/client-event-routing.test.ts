import { PDF_JOB_UPDATED_SUBJECT, PROJECT_DELETED_SUBJECT, PROJECT_MEMBERSHIP_CHANGED_SUBJECT, PROJECT_UPDATED_SUBJECT } from '@playbook/contract';
import { routeClientEvent } from '../../src/events/client-event-routing';

const audience = (subject: string, data: unknown) => [...(routeClientEvent(subject, data)?.audience ?? [])].sort();

describe('which event goes to which user', () => {
  it('sends a PDF job update to the user who asked for it only, with the file URL once it is done', () => {
    const job = { jobId: 'job-1', projectId: 'p-1', ownerId: 'alice', status: 'done' };
    expect(routeClientEvent(PDF_JOB_UPDATED_SUBJECT, job)).toEqual({
      audience: new Set(['alice']),
      event: { event: 'pdf.job', data: { jobId: 'job-1', projectId: 'p-1', status: 'done', fileUrl: '/api/pdf/jobs/job-1/file' } },
    });
    expect(routeClientEvent(PDF_JOB_UPDATED_SUBJECT, { ...job, status: 'rendering' })?.event.data).not.toHaveProperty('fileUrl');
    expect(routeClientEvent(PDF_JOB_UPDATED_SUBJECT, { ...job, status: 'failed', error: 'Chromium died' })?.event.data).toMatchObject({ status: 'failed', error: 'Chromium died' });
  });

  it('sends a project change to its owner and every member, with the new content version', () => {
    const updated = { projectId: 'p-1', ownerId: 'alice', memberIds: ['alice', 'bob', 'carol'], contentVersion: 7, updatedAt: '2026-01-01T00:00:00.000Z' };
    expect(audience(PROJECT_UPDATED_SUBJECT, updated)).toEqual(['alice', 'bob', 'carol']);
    expect(routeClientEvent(PROJECT_UPDATED_SUBJECT, updated)?.event).toEqual({
      event: 'project.updated',
      data: { projectId: 'p-1', contentVersion: 7, updatedAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(audience(PROJECT_DELETED_SUBJECT, { projectId: 'p-1', ownerId: 'alice', memberIds: ['bob'] })).toEqual(['alice', 'bob']);
  });

  it('sends an event from before project members to the owner alone', () => {
    expect(audience(PROJECT_UPDATED_SUBJECT, { projectId: 'p-1', ownerId: 'alice', contentVersion: 1, updatedAt: '2026-01-01T00:00:00.000Z' })).toEqual(['alice']);
    expect(audience(PROJECT_DELETED_SUBJECT, { projectId: 'p-1', ownerId: 'alice' })).toEqual(['alice']);
  });

  it('tells a removed member of the removal, and the owner and remaining members of the change', () => {
    const removed = { projectId: 'p-1', userId: 'dave', role: null, ownerId: 'alice', memberIds: ['alice', 'bob'] };
    expect(audience(PROJECT_MEMBERSHIP_CHANGED_SUBJECT, removed)).toEqual(['alice', 'bob', 'dave']);
    expect(routeClientEvent(PROJECT_MEMBERSHIP_CHANGED_SUBJECT, removed)?.event).toEqual({ event: 'project.membership', data: { projectId: 'p-1', userId: 'dave', role: null } });
  });

  it('sends nobody an event it cannot read or does not know', () => {
    expect(routeClientEvent(PROJECT_UPDATED_SUBJECT, { projectId: 'p-1' })).toBeUndefined();
    expect(routeClientEvent(PDF_JOB_UPDATED_SUBJECT, 'not json')).toBeUndefined();
    expect(routeClientEvent('auth.v1.audit', { action: 'login.success', userId: 'alice', at: '2026-01-01T00:00:00.000Z' })).toBeUndefined();
  });
});
