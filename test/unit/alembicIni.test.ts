import * as assert from 'node:assert/strict';
import { parseIni } from '../../server/src/core/config/alembicIni';

describe('alembic.ini as configparser reads it', () => {
  it('interpolates %(here)s and keys of the same section, and unescapes %%', () => {
    const ini = parseIni('[alembic]\nscript_location = %(here)s/%(folder)s\nfolder = db\nfile_template = %%(rev)s_%%(slug)s\n', '/srv/app');
    assert.equal(ini.get('alembic')!.get('script_location'), '/srv/app/db');
    assert.equal(ini.get('alembic')!.get('file_template'), '%(rev)s_%(slug)s');
  });

  it('leaves a value as written when nested references would grow it past 64 KB, instead of exhausting memory', () => {
    // Thirty references per level, six levels: 30^6 copies of the last value if expanded in full.
    const keys = Array.from({ length: 6 }, (_, i) => `k${i} = ${`%(k${i + 1})s`.repeat(30)}`);
    const ini = parseIni(`[alembic]\nscript_location = %(k0)s\n${keys.join('\n')}\nk6 = xxxxxxxxxx\n`, '/srv/app');
    const section = ini.get('alembic')!;
    assert.equal(section.get('k5'), 'x'.repeat(300), 'small expansions are made');
    assert.equal(section.get('k4'), 'x'.repeat(9000));
    assert.equal(section.get('script_location'), '%(k0)s', 'too large: as written');
  });
});
