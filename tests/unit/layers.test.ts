import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
// @ts-expect-error -- plain ESM script without type declarations
import { checkLayers } from '../../scripts/layers.mjs';

type Violation = { file: string; spec: string; message: string };
const run = (root: string) => checkLayers(resolve(__dirname, root)) as Violation[];

describe('layer check', () => {
  it('passes on the project itself', () => {
    expect(run('../..')).toEqual([]);
  });

  it('fails on a fixture that crosses every forbidden line, naming each file and import', () => {
    const v = run('../fixtures/layers-violation');
    const described = v.map((x) => `${x.file} ${x.spec}`);
    expect(described).toContain('src/main/core/notify.ts electron');
    expect(described).toContain('src/renderer/db.ts node:fs');
    expect(described).toContain('src/renderer/db.ts pg');
    expect(described).toContain('src/renderer/db.ts ../main/core/notify');
    expect(described).toContain('src/shared/types.ts react');
    expect(described).toContain('src/preload/index.ts fs');
    expect(v).toHaveLength(6);
  });
});
