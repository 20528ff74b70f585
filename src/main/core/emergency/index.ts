/**
 * Emergency protocols (capability 8): System Down, Data Loss Risk and Security Breach as guided
 * runbooks — phases with the manual's time targets, assessment queries run as the protocol opens,
 * actions through the operations gate, checklist items, an incident timeline and a post-mortem.
 */
export { EmergencyDesk, phaseClocks, protocolForAlert, validateParams, type EmergencyDeskOptions, type OpenRequest } from './incident';
export { PROTOCOL_DEFS, protocolDef } from './protocols';
export { runAssessment, ASSESSMENTS, orphanSql } from './assessment';
export { postMortemMarkdown } from './postmortem';
