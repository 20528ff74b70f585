/** The catalogue of audit lints (one module per lint, splinter's pattern). */
import type { Lint } from '../lint';
import { unindexedForeignKeys } from './unindexed-foreign-keys';
import { noPrimaryKey } from './no-primary-key';
import { unusedIndex } from './unused-index';
import { duplicateIndex } from './duplicate-index';
import { policyExistsRlsDisabled } from './policy-exists-rls-disabled';
import { rlsEnabledNoPolicy } from './rls-enabled-no-policy';
import { rlsDisabledInPublic } from './rls-disabled-in-public';
import { securityDefinerView } from './security-definer-view';
import { functionSearchPathMutable } from './function-search-path-mutable';
import { extensionInPublic } from './extension-in-public';
import { materializedViewInApi } from './materialized-view-in-api';
import { foreignTableInApi } from './foreign-table-in-api';
import { unsupportedRegTypes } from './unsupported-reg-types';
import { tableBloat } from './table-bloat';
import { extensionVersionsOutdated } from './extension-versions-outdated';
import { sensitiveColumnsExposed } from './sensitive-columns-exposed';
import { rlsPolicyAlwaysTrue } from './rls-policy-always-true';
import { createdAtWithoutIndex } from './created-at-without-index';
import { authUsersExposed } from './auth-users-exposed';
import { authRlsInitplan } from './auth-rls-initplan';
import { multiplePermissivePolicies } from './multiple-permissive-policies';
import { rlsReferencesUserMetadata } from './rls-references-user-metadata';

export const ALL_LINTS: readonly Lint[] = Object.freeze([
  rlsDisabledInPublic,
  policyExistsRlsDisabled,
  sensitiveColumnsExposed,
  securityDefinerView,
  rlsEnabledNoPolicy,
  rlsPolicyAlwaysTrue,
  functionSearchPathMutable,
  extensionInPublic,
  extensionVersionsOutdated,
  materializedViewInApi,
  foreignTableInApi,
  unsupportedRegTypes,
  unindexedForeignKeys,
  createdAtWithoutIndex,
  noPrimaryKey,
  unusedIndex,
  duplicateIndex,
  tableBloat,
  authUsersExposed,
  authRlsInitplan,
  multiplePermissivePolicies,
  rlsReferencesUserMetadata,
]);
