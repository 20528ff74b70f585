/**
 * A labelled set of realistic admin requests (not the README's examples), judged at a STABLE 4.2 %
 * entropy with no alert firing. Each line: expected outcome | expected kind (or -) | request text.
 *   approve — approved (with or without a Structural Integrity warning)
 *   reject  — rejected by at least one law
 *   nu      — not understood (or invalid input): never a verdict
 * Labels say what a careful operator means, not what the parser happens to do.
 */
export const LABELLED_REQUESTS = `
approve | deploy | ship the latest build to staging
approve | deploy | please deploy the api to stage
approve | deploy | push the web app to the staging environment
approve | deploy | release v2.4.1 to staging
approve | deploy | can you deploy the checkout service to dev
approve | deploy | deploy build 1432 to development
approve | deploy | roll out the new build to staging
approve | deploy | promote the release candidate to staging
approve | deploy | deploy the frontend to prod
approve | deploy | deploy the billing service to production
approve | deploy | gradual rollout of the api to production
approve | deploy | deploy to production in phases
approve | deploy | deploy the worker to stg
approve | deploy | R.O.M.A.N., please ship the dashboard to staging
approve | deploy | deploy from staging to production
approve | deploy | deploy to production with zero downtime
approve | deploy | deploy the search service to staging without downtime
approve | deploy | we need to deploy the notifications service to staging
approve | deploy | kick off a deployment of the admin panel to dev
approve | deploy | deploy the release branch to staging, tests are green
approve | deploy | deploy the cron worker to production gradually
approve | deploy | slowly roll out the payments api to prod
approve | deploy | I'd like to deploy the mobile backend to staging
approve | deploy | deploy commit abc123 to staging
approve | deploy | deploy the docs site to preprod
approve | deploy | deploy the api to staging, not production
approve | deploy | deploy to dev and not to prod
reject | create_index | brute force reindex the orders table
approve | backup | back up the production database
approve | backup | take a backup of the prod db
approve | backup | backup the customers database
approve | backup | run pg_dump on the billing database
approve | backup | create a snapshot of the production database
approve | backup | make a fresh backup of the db
approve | backup | backing up the orders database now
approve | backup | dump the staging database
approve | backup | please back up prod
approve | backup | verify the last backup
approve | backup | create a backup of the analytics db before the migration
approve | backup | back up the database before we run the migration
approve | backup | take a snapshot of prod before the release
approve | backup | backup the users database ahead of the schema change
approve | backup | back up the db prior to the upgrade
approve | backup | take a backup of production while the incident is ongoing
approve | backup | snapshot the database during the outage
approve | backup | pg_dump the invoices database to be safe
approve | backup | database backup of staging
approve | backup | backup everything in the production database
approve | migration | apply the pending migrations to staging
approve | migration | run the schema migration on staging
approve | migration | migrate the orders schema gradually
approve | migration | apply migration 0042 in batches
approve | migration | run the database migration on dev
approve | migration | migrate the invoices table in small batches
approve | migration | incremental migration of the accounts schema
approve | migration | apply the migration to production step by step
approve | migration | run the migrations on production one table at a time
approve | migration | migrate the users table to the new schema in phases
approve | migration | throttled migration of the events table
approve | migration | rate-limited migration of the audit log table
reject | migration | migrate all tables at once
reject | migration | run every migration in one go
reject | migration | brute force the migration of the orders schema
reject | migration | apply the migration to production without throttling
reject | migration | unthrottled migration of the events table
reject | migration | migrate the whole schema in a single transaction
reject | migration | run the migrations with no batching
reject | migration | migrate the invoices table as fast as possible
approve | rollback | roll back the last deployment
approve | rollback | rollback the failed release in production
approve | rollback | revert the deploy on staging
approve | rollback | undo the last migration
approve | rollback | roll back migration 0042
approve | rollback | revert yesterday's deployment of the api
approve | rollback | rollback the checkout service in prod
approve | rollback | roll back the release while the outage is ongoing
approve | rollback | roll back the deployment during the incident
approve | rollback | please revert the broken deploy to production
approve | rollback | rolling back the failed migration on the billing db
approve | rollback | downgrade the api to the previous release
approve | rollback | During the outage, roll back the release
approve | rollback | rollback the deploy to stop the errors
approve | rollback | revert the deployment because the system is down
approve | security_patch | deploy the security patch to production
approve | security_patch | apply the security patch to the api servers
approve | security_patch | roll out the security update to prod
approve | security_patch | patch CVE-2024-3094 on production
approve | security_patch | install the security fix on staging
approve | security_patch | deploy the security patch during the breach
approve | security_patch | apply the openssl security update
approve | security_patch | security patch for the auth service
approve | security_patch | ship the security patch while the attack is ongoing
approve | security_patch | deploy security updates to all servers gradually
approve | fix | deploy the hotfix to production
approve | fix | apply the hotfix for the login bug
approve | fix | fix the breaking change in the api
approve | fix | ship the fix for the checkout crash
approve | fix | apply a fix to the billing job
approve | fix | hot-fix the null pointer in the worker
approve | fix | deploy the fix while the incident is ongoing
approve | fix | During the incident, apply the hotfix
approve | fix | fix breaking changes before shipping new features
approve | fix | repair the broken invoice export
approve | vacuum | vacuum analyze the orders table
approve | vacuum | run vacuum on the events table
approve | vacuum | vacuum the sessions table to reclaim space
approve | vacuum | analyze the invoices table
approve | vacuum | please vacuum the production database
approve | vacuum | run VACUUM ANALYZE on customers
approve | vacuum | vacuum the audit log table during the incident
approve | vacuum | analyse the payments table to refresh statistics
approve | freeze_writes | freeze writes on production
approve | freeze_writes | put the database in read-only mode
approve | freeze_writes | revoke writes for authenticated users
approve | freeze_writes | freeze all writes while the data loss investigation is ongoing
approve | freeze_writes | make the prod db read only
approve | freeze_writes | freeze writes to stop further damage
approve | restore_writes | restore write access after the data is validated
approve | restore_writes | unfreeze writes on production
approve | restore_writes | grant writes back to authenticated
approve | restore_writes | restore writes on the staging database
approve | create_index | create an index on orders.created_at
approve | create_index | add an index on documents created_at
approve | create_index | build the missing index on invoices customer_id
approve | create_index | create index concurrently on the events table
approve | create_index | add index to the sessions table without locking it
approve | create_index | create the recommended index on audit_log
approve | create_index | add a unique index on users email
approve | cancel_query | cancel the runaway query
approve | cancel_query | kill query 48213
approve | cancel_query | terminate the long running query on the reports table
approve | cancel_query | cancel the slow query blocking the checkout
approve | cancel_query | kill the runaway query during the outage
approve | cancel_query | cancel query pid 1234
approve | block_ip | block ip 203.0.113.7
approve | block_ip | ban the ip address 198.51.100.23
approve | block_ip | block the suspicious ip to stop the attack
approve | block_ip | block ip 192.0.2.44 while the breach is ongoing
approve | block_ip | blacklist ip 203.0.113.99
approve | block_ip | block the offending ip address in production
approve | block_ip | please ban ip 10.20.30.40
approve | block_ip | During the security breach, block ip 203.0.113.50
reject | bulk_delete | mass delete expired sessions
reject | bulk_delete | bulk delete the old audit logs
reject | bulk_delete | purge all expired sessions at once
reject | bulk_delete | delete old rows from the events table in one go
reject | bulk_delete | prune old logs
reject | bulk_delete | purge stale sessions with no throttle
reject | bulk_delete | delete expired tokens without batching
reject | bulk_delete | brute-force delete of old notifications
reject | bulk_delete | clean up old sessions as fast as possible
reject | bulk_delete | wipe the old logs all at once
reject | bulk_delete | delete old sessions, no rate limit
reject | bulk_delete | bulk delete stale carts with no batching
reject | bulk_delete | unbatched delete of expired tokens
reject | bulk_delete | delete expired sessions without rate limiting
reject | bulk_delete | purge expired sessions in production in batches
reject | bulk_delete | throttled delete of old logs in prod
reject | bulk_delete | delete old sessions in batches without a backup
reject | bulk_delete | mass delete old rows in staging
approve | bulk_delete | delete old sessions in batches
approve | bulk_delete | throttled purge of expired sessions
approve | bulk_delete | gradually delete old audit logs in staging
approve | bulk_delete | delete expired tokens in small batches
approve | bulk_delete | rate-limited cleanup of old notifications
approve | bulk_delete | batched delete of stale carts on dev
approve | bulk_delete | purge old sessions in batches, not all at once
approve | bulk_delete | delete old logs step by step in staging
approve | bulk_delete | prune expired sessions slowly
approve | bulk_delete | delete old events incrementally
reject | bulk_insert | bulk insert the events
reject | bulk_insert | unthrottled bulk insert into events
reject | bulk_insert | backfill the invoices table with no throttle
reject | bulk_insert | import the customers csv all at once
reject | bulk_insert | bulk load the analytics table as fast as possible
reject | bulk_insert | mass insert into the audit table
reject | bulk_insert | backfill orders without throttling
reject | bulk_insert | brute force the backfill of payments
reject | bulk_insert | load the events in one go
reject | bulk_insert | bulk import the leads with no rate limit
reject | bulk_insert | non-throttled backfill of the metrics table
reject | bulk_insert | insert every record in a single batch
reject | bulk_insert | bruteforce insert into sessions
reject | bulk_insert | backfill invoices without rate limiting
approve | bulk_insert | throttled bulk insert into events
approve | bulk_insert | backfill the invoices table in batches
approve | bulk_insert | rate-limited import of the customers csv
approve | bulk_insert | gradual backfill of the payments table
approve | bulk_insert | load the analytics events in small batches
approve | bulk_insert | incremental backfill of orders
approve | bulk_insert | bulk insert into the audit table in chunks
approve | bulk_insert | import leads slowly, in batches
approve | bulk_insert | backfill the metrics table, throttled
approve | bulk_insert | batched insert into sessions
reject | api_calls | api calls to openai with no rate limit
reject | api_calls | send all the api calls at once
reject | api_calls | brute force api calls to stripe
reject | api_calls | api requests to the ai provider without throttling
approve | api_calls | rate-limited api calls to anthropic
approve | api_calls | throttled api calls to stripe
approve | api_calls | batched api requests to the ai provider
approve | add_feature | add the new reporting feature on staging
approve | add_feature | ship the dark mode feature
approve | add_feature | deploy the new feature to production
approve | add_feature | add a new feature to the dashboard
reject | add_feature | add a new feature while the outage is ongoing
reject | add_feature | ship the new feature during the incident
reject | add_feature | deploy the new feature to prod while the system is down
reject | add_feature | add complexity mid-incident
approve | deploy_untested | deploy untested code to staging
approve | deploy_untested | deploy to dev without tests
approve | deploy_untested | deploy to staging and skip the tests
reject | deploy_untested | deploy untested code to prod while the incident is ongoing
reject | deploy_untested | deploy without tests during the outage
reject | deploy_untested | ship untested code during the incident
reject | deploy | deploy to production while the outage is ongoing
reject | deploy | deploy the api to prod during the incident
reject | deploy | During the outage, deploy the new build to production
reject | deploy | push the release to production while we are down
reject | deploy | deploy to staging while the security breach is ongoing
reject | deploy | release v3 during the ongoing incident
reject | deploy | deploy with no throttle
reject | deploy | deploy to production with no throttling
reject | deploy | deploy all services at once
reject | deploy | brute-force deploy to prod
reject | deploy | deploy everything to production in one go
reject | deploy | roll out to production without a gradual rollout
reject | disable_auth | disable authentication
reject | disable_auth | turn off login for the admin panel
reject | disable_auth | disable auth on production
reject | disable_auth | bypass authentication for the api
reject | disable_auth | switch off authentication in staging
reject | disable_auth | disable the login system
reject | disable_auth | turn off sign-in for all users
reject | disable_auth | disable authn on the public api
reject | disable_auth | disable authentication to speed up the tests
reject | disable_auth | bypass the login during the outage
reject | disable_rls | disable rls on the customers table
reject | disable_rls | turn off row level security on invoices
reject | disable_rls | bypass rls for the reporting job
reject | disable_rls | disable row-level security in production
reject | disable_rls | switch off RLS on documents to fix the bug
reject | disable_rls | disable rls on orders while the incident is ongoing
reject | drop_database | drop the production database
reject | drop_database | delete the prod db
reject | drop_database | wipe the production database
reject | drop_database | nuke the staging database
reject | drop_database | destroy the customers database
reject | drop_database | drop database billing
reject | drop_database | purge the prod database
reject | drop_database | remove the analytics database from production
reject | drop_database | drop the db in prod to free space
reject | drop_database | delete the database during the outage
reject | delete_production_data | delete all customer data
reject | delete_production_data | truncate the orders table
reject | delete_production_data | drop table invoices
reject | delete_production_data | wipe every row in the users table
reject | delete_production_data | delete all rows from payments
reject | delete_production_data | purge all records from the customers table in production
reject | delete_production_data | delete user data in prod
reject | delete_production_data | truncate the sessions table in production
reject | delete_production_data | delete every record in accounts, throttled
reject | delete_production_data | drop the users table
approve | read_write_ratio | keep a 1.618:1 ratio of reads to writes
approve | read_write_ratio | set the read:write ratio to the golden ratio
approve | read_write_ratio | balance read and write operations at 1.618:1
approve | ui_layout | adjust the UI spacing to the golden ratio
approve | ui_layout | change the dashboard layout following phi
approve | read_write_ratio | set the read:write ratio to 2:1
approve | ui_layout | ui spacing with a 3:2 ratio
nu | - | don't delete the production database
nu | - | never drop the users table
nu | - | do not deploy to production
nu | - | don't roll back the release
nu | - | no backup
nu | - | not now
nu | - | deploy, but not to production
nu | - | stop the deployment
nu | - | delete the backup
nu | - | cancel the backup
nu | - | abort the migration
nu | - | reboot the server
nu | - | restart the api pods
nu | - | scale up the web tier
nu | - | make everything faster
nu | - | what is the system entropy?
nu | - | show me the logs
nu | - | rotate the api keys
nu | - | send an email to the team
nu | - | backup and drop the database
nu | - | deploy to staging and then drop the old database
nu | - | roll back and redeploy
nu | - | deploy to staging and make coffee
nu | - | asdf qwerty
nu | - | hello roman
nu | - | deploy to staging production
nu | - | throttled unthrottled bulk insert
nu | - | block ip and disable rls
approve | unblock_ip | unblock ip 203.0.113.7
nu | - | undelete the orders
nu | - | enable rls on customers
nu | - | deploy to non-production
nu | - | migrate without migrating
nu | - | increase the connection pool
nu | - | upgrade the kubernetes cluster nodes and drop table sessions
nu | - | delet the prodction databse
approve | deploy | Can we push the v5 release to prod tonight?
approve | deploy | hey roman, approve a deploy of the api gateway to staging pls
approve | backup | run pg_dump against prod before the schema change
approve | backup | create a full backup of the production postgres
reject | delete_production_data | I need to drop the legacy_orders table in prod
reject | drop_database | remove the test database
approve | bulk_delete | clean up expired sessions in batches of 1000
approve | bulk_delete | delete sessions older than 30 days, 500 at a time
reject | delete_production_data | wipe all user data from staging
reject | delete_production_data | erase customer PII in production
reject | disable_auth | disable 2fa for all users
reject | disable_auth | skip authentication for the internal api
reject | disable_auth | make the api public without auth
approve | rollback | undo yesterday's release
approve | security_patch | patch openssl on all servers
approve | create_index | reindex the events table concurrently
approve | cancel_query | kill the stuck query on the reports db
approve | block_ip | block 203.0.113.5
approve | block_ip | block the ip hammering our login endpoint
approve | restore_writes | re-enable writes
reject | bulk_insert | import 2 million rows into the events table in one shot
approve | bulk_insert | load the csv into customers with a rate limit
reject | api_calls | call the openai api for every document without rate limiting
approve | deploy_untested | deploy straight to prod, skip CI
reject | deploy | deploy to production during the outage but throttled
reject | deploy | deploy to prod even though the site is down
reject | deploy | deploy to prod (outage ongoing)
reject | bulk_insert | backfill with throttling disabled
reject | bulk_insert | bulk insert, rate limit: off
reject | bulk_delete | delete old sessions without backing up first
nu | - | update the users table
nu | - | deploy to staging while deleting the prod db
nu | - | deploy to staging while we drop the users table
approve | rollback | roll back while the migration is running
approve | backup | back up the db while writes are frozen
reject | delete_production_data | drop the old sessions table in staging
reject | delete_production_data | delete the logs table
reject | bulk_insert | bulk insert at full throttle
reject | bulk_insert | backfill events at max speed
nu | - | Deploy to staging. Drop the prod db.
reject | add_feature | ship the new feature while prod is burning
nu | - | deploy without auth
nu | - | send 10k emails at once
nu | - | allow anonymous access to the database
nu | - | enable the beta feature for all users
`;

export type Expected = 'approve' | 'reject' | 'nu';

export interface LabelledRequest {
  expected: Expected;
  kind: string | null;
  text: string;
}

export function labelledRequests(): LabelledRequest[] {
  return LABELLED_REQUESTS.split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [expected, kind, ...rest] = l.split('|').map((p) => p.trim());
      return { expected: expected as Expected, kind: kind === '-' ? null : kind, text: rest.join('|') };
    });
}
