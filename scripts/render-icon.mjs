/**
 * Renders resources/icon.svg to resources/icon.png (512×512) with the same Chromium the tests use.
 * Run: node scripts/render-icon.mjs   (the PNG is committed; electron-builder derives .icns/.ico)
 */
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const svg = readFileSync(`${root}resources/icon.svg`, 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.locator('svg').screenshot({ path: `${root}resources/icon.png`, omitBackground: true });
await browser.close();
console.log('resources/icon.png written');
