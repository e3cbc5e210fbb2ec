// @playbook/client: the Playbook API for frontends and scripts, typed from the OpenAPI document (see README.md).
export { createPlaybookClient, type DeliveredEvent, type PlaybookClient, type PlaybookClientOptions, type PlaybookEvent, type Tokens } from './playbook-client';
export type { components, operations, paths } from './generated/api';
export { CSRF_HEADER } from './generated/names';
