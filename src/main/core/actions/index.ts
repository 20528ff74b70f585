/**
 * Action requests: the catalogue of operational actions and the free-text parser that turns a
 * request into a catalogued action with its ActionData. Nothing here executes anything.
 */
export { CATALOGUE, BACKUP_FIRST, catalogueEntry, describeAction } from './catalogue';
export { parseActionRequest, buildAction, normalizeEnvironment, suggestPhrases, MAX_REQUEST_LENGTH } from './parser';
export { requestAction, alternativesFor, type ActionRequestInput, type ActionRequestOutcome } from './request';
