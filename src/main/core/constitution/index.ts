/**
 * Constitutional core: the four laws of the operations manual, `isActionCompliant`, decision
 * records (`evaluate`), the start-up self-test and the human explanations of a decision.
 */
export { isActionCompliant, evaluateLaws, validateInput, verdictOf } from './laws';
export { evaluate } from './decision';
export { runSelfTest, SELF_TEST_CASES, type ComplianceCheck } from './selftest';
export { explainDecision, formatLawLine, DEFAULT_ALTERNATIVES, type DecisionExplanation } from './explain';
export { parseEntropyText } from './entropy-input';
export type { ActionData, Decision, Verdict, ComplianceResult, LawResult, SelfTestReport } from '../../../shared/constitution';
