/**
 * The exact commands that install what the preflight (scripts/preflight.mjs) found missing, per
 * platform: Debian (apt-get; the preflight runs these itself as root), Ubuntu and other Linux,
 * macOS (Homebrew) and Windows (winget). `apt` lists the Debian packages the preflight may install
 * by itself; it is empty where only a person can act.
 */

const sudo = (facts) => (facts.root ? '' : 'sudo ');
const playwrightSupported = (facts) => ['x64', 'arm64'].includes(facts.arch) && ['linux', 'darwin', 'win32'].includes(facts.platform);

/** A Chromium for the Playwright tests. */
export function chromiumFix(facts, explicit) {
  if (explicit) {
    return { commands: ['export CHROMIUM_PATH=/path/to/chromium   # a Chromium or Chrome executable; or `unset CHROMIUM_PATH` to let npm test find one'], apt: [] };
  }
  if (facts.platform === 'linux' && facts.debian) return { commands: [`${sudo(facts)}apt-get install -y chromium`], apt: ['chromium'] };
  if (facts.platform === 'linux' && playwrightSupported(facts)) {
    // Ubuntu's apt "chromium" is a snap wrapper; Playwright's build (with its system libraries) works everywhere.
    return { commands: ['npx playwright install --with-deps chromium'], apt: [] };
  }
  if (playwrightSupported(facts)) return { commands: ['npx playwright install chromium'], apt: [] };
  return { commands: ['export CHROMIUM_PATH=/path/to/chromium   # after installing Chromium from your system'], apt: [] };
}

/** The colour emoji font Chromium renders the screenshots' emoji with (Linux only). */
export function emojiFontFix(facts) {
  if (facts.debianLike) return { commands: [`${sudo(facts)}apt-get install -y fonts-noto-color-emoji`], apt: ['fonts-noto-color-emoji'] };
  if (facts.fedoraLike) return { commands: [`${sudo(facts)}dnf install -y google-noto-color-emoji-fonts`], apt: [] };
  return { commands: ['install the "Noto Color Emoji" font with your system package manager'], apt: [] };
}

/** pg_dump and pg_restore of the server's major version (or newer). */
export function pgClientFix(facts, serverMajor) {
  if (facts.platform === 'linux' && facts.debianLike) {
    const pkg = serverMajor ? `postgresql-client-${serverMajor}` : 'postgresql-client';
    return { commands: [`${sudo(facts)}apt-get install -y ${pkg}`], apt: [pkg] };
  }
  if (facts.platform === 'linux' && facts.fedoraLike) return { commands: [`${sudo(facts)}dnf install -y postgresql`], apt: [] };
  if (facts.platform === 'darwin') return { commands: ['brew install libpq && brew link --force libpq'], apt: [] };
  if (facts.platform === 'win32') {
    const v = serverMajor ?? 17;
    return { commands: [`winget install PostgreSQL.PostgreSQL.${v}`, `then add C:\\Program Files\\PostgreSQL\\${v}\\bin to PATH`], apt: [] };
  }
  return { commands: ['install the PostgreSQL client programs (pg_dump, pg_restore) and put them on PATH'], apt: [] };
}

/** A Postgres server the tests may create databases on. */
export function postgresServerFix(facts, { explicit, shown, cluster }) {
  const s = sudo(facts);
  if (facts.platform === 'linux' && facts.debianLike && cluster) {
    return { commands: [`${s}pg_ctlcluster --skip-systemctl-redirect ${cluster.version} ${cluster.name} start`] };
  }
  if (explicit) return { commands: [`start the server at ${shown}, or: unset ROMAN_TEST_PG_URL   # then the local server (or the embedded engine) is used`] };
  const password = [
    `${facts.root ? 'runuser -u postgres --' : 'sudo -u postgres'} psql -c "ALTER ROLE postgres PASSWORD 'postgres'"`,
    'export ROMAN_TEST_PG_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres',
  ];
  if (facts.platform === 'linux' && facts.debianLike) return { commands: [`${s}apt-get install -y postgresql`, ...password] };
  if (facts.platform === 'linux' && facts.fedoraLike) {
    return { commands: [`${s}dnf install -y postgresql-server`, `${s}postgresql-setup --initdb`, `${s}systemctl start postgresql`, ...password] };
  }
  if (facts.platform === 'darwin') {
    return { commands: ['brew install postgresql@17 && brew services start postgresql@17', 'export ROMAN_TEST_PG_URL=postgres://$USER@127.0.0.1:5432/postgres'] };
  }
  if (facts.platform === 'win32') {
    return { commands: ['winget install PostgreSQL.PostgreSQL.17', 'set ROMAN_TEST_PG_URL=postgres://postgres:<the password you chose>@127.0.0.1:5432/postgres'] };
  }
  return { commands: ['install PostgreSQL, then: export ROMAN_TEST_PG_URL=postgres://USER:PASSWORD@HOST:5432/postgres   # a role that may CREATE DATABASE'] };
}

/** The serial stage restarts the local cluster: root, pg_ctlcluster, the server under test local. */
export function serialFix(facts) {
  if (facts.platform === 'linux' && facts.debianLike && !facts.root) return ['sudo npm test -- serial   # root restarts the local cluster with pg_ctlcluster'];
  return ['runs as root on Debian/Ubuntu against the local cluster from apt (pg_ctlcluster), as CI does'];
}
