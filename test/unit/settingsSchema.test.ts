import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EDITOR_SETTING_KEYS } from '../../server/src/core/config/settings';
import { RULES } from '../../server/src/core/findings';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLIENT_ONLY = ['debounceMs', 'trace.server'];

describe('the settings schema', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties as Record<string, { propertyNames?: { enum: string[] } }>;

  it('contributes exactly the settings the server reads, plus the client\'s own', () => {
    const keys = Object.keys(properties).map((k) => k.replace(/^alembicDrift\./, '')).sort();
    assert.deepEqual(keys, [...EDITOR_SETTING_KEYS, ...CLIENT_ONLY].sort());
  });

  it('offers every finding code, and only those, in alembicDrift.severity', () => {
    assert.deepEqual(properties['alembicDrift.severity'].propertyNames!.enum, Object.keys(RULES));
  });
});
