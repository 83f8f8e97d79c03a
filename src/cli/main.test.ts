import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_OWNERS, type CommandModule } from './main.js';

describe('command modules', () => {
  it('names the module of every top-level command, so main() loads only that module and still finds it', async () => {
    const all = await buildProgram();
    const names = all.commands.map((c) => c.name());
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(COMMAND_OWNERS).sort()).toEqual([...names].sort());
    for (const name of names) {
      const owner = COMMAND_OWNERS[name] as CommandModule;
      const alone = await buildProgram([owner]);
      expect(alone.commands.map((c) => c.name()), `${name} → ${owner}`).toContain(name);
    }
  });
});
