import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { factsOf, type ImageDirectory, type ImageFacts } from './image-facts';
import { ROOT } from './repo-files';

/** One stage of a Dockerfile: where it starts from and its instructions, continuation lines joined. */
interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly string[];
}

/** The stages of a Dockerfile of the repository (`FROM <image or stage> [AS <name>]`). */
export function dockerfileStages(path = 'Dockerfile'): Stage[] {
  const text = readFileSync(join(ROOT, path), 'utf8').replace(/\\\n/g, ' ');
  const stages: Array<{ name: string; from: string; instructions: string[] }> = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) stages.push({ name: from[2] ?? from[1]!, from: from[1]!, instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/**
 * The facts of the image a Dockerfile target builds: the facts of the image its stages start from, with the
 * stages' own `USER` lines and the directories their `RUN` lines create for a user (`install -d -o <user> <dir>`,
 * or `mkdir -p <dirs>` followed by `chown <user>[:<group>] <dirs>`).
 */
export function targetFacts(target: string, path = 'Dockerfile'): ImageFacts {
  const stages = dockerfileStages(path);
  const chain: Stage[] = [];
  for (let stage = stages.find((s) => s.name === target); stage;) {
    chain.unshift(stage);
    const from = stage.from;
    stage = stages.find((s) => s.name === from);
  }
  if (chain.length === 0) throw new Error(`${path} has no stage ${target}`);
  const base = factsOf(chain[0]!.from);
  if (!base) throw new Error(`no recorded facts for ${chain[0]!.from}`);
  let user = base.user;
  const directories: Record<string, ImageDirectory> = { ...base.directories };
  const uidOf = (name: string): number => {
    const uid = /^\d+$/.test(name) ? Number(name) : base.users[name];
    if (uid === undefined) throw new Error(`${path}: no user ${name} in ${base.image}`);
    return uid;
  };
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      const userLine = /^USER\s+([^:\s]+)/i.exec(instruction);
      if (userLine) user = { name: userLine[1]!, uid: uidOf(userLine[1]!) };
      if (!/^RUN\s/i.test(instruction)) continue;
      const install = /\binstall\s+(?:-\S+\s+)*?-d\b[^&;]*?-o\s+([\w-]+)[^&;]*?((?:\s+\/\S+)+)/.exec(
        instruction
      );
      if (install)
        for (const dir of install[2]!.trim().split(/\s+/)) directories[dir] = { owner: uidOf(install[1]!) };
      const chown = /\bchown\s+(?:-R\s+)?([\w-]+)(?::[\w-]+)?((?:\s+\/\S+)+)/.exec(instruction);
      if (chown && /\bmkdir\b/.test(instruction))
        for (const dir of chown[2]!.trim().split(/\s+/)) directories[dir] = { owner: uidOf(chown[1]!) };
    }
  }
  return {
    ...base,
    image: `Dockerfile target ${target}`,
    user,
    directories,
    source: `${path} over ${base.source}`,
  };
}
