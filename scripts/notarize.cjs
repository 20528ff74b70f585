/**
 * electron-builder afterSign hook: notarizes the macOS build with @electron/notarize when Apple
 * credentials are present (APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID), and says clearly
 * why it skips otherwise (other platforms, or no credentials — e.g. local unsigned builds).
 */
const { join } = require('node:path');

exports.default = async function notarizeMac(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  if (electronPlatformName !== 'darwin') return;
  const { APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID } = process.env;
  if (!APPLE_ID || !APPLE_APP_SPECIFIC_PASSWORD || !APPLE_TEAM_ID) {
    console.log('notarize: skipped (set APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID to notarize)');
    return;
  }
  const { notarize } = await import('@electron/notarize');
  const appPath = join(appOutDir, `${packager.appInfo.productFilename}.app`);
  console.log(`notarize: submitting ${appPath}`);
  await notarize({ appPath, appleId: APPLE_ID, appleIdPassword: APPLE_APP_SPECIFIC_PASSWORD, teamId: APPLE_TEAM_ID });
  console.log('notarize: done');
};
