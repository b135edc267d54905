import { factsOf, IMAGE_FACTS, type ImageFacts } from './image-facts';
import { dockerfileStages, targetFacts } from './dockerfile-stages';
import { readYaml } from './repo-files';

// docker-compose.yml and the Dockerfile against what each image holds (image-facts.ts, from the images' own build
// files): no Docker engine runs here, so these rules stand in for `docker compose up` on a clean machine.
// - A new named volume takes the owner of the directory the image has at the mount path (Docker copies it on the
//   first mount of the empty volume); where the image has none, it is root's, 0755: a non-root process cannot write
//   there unless a one-shot service chowns the volume first.
// - An exec-form healthcheck runs a program of the image itself: a distroless or scratch image has no shell or wget.
// - An image that refuses to start without a variable gets a value compose never leaves empty.
// - Long-running services come back after a failure; one-shot services run once.

interface Service {
  image?: string;
  build?: { target?: string };
  user?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}
const compose = readYaml<{ services: Record<string, Service>; volumes: Record<string, unknown> }>(
  'docker-compose.yml'
);
const services = compose.services;
const names = Object.keys(services);

/** The facts of the image a service runs. */
function imageOf(name: string): ImageFacts {
  const s = services[name]!;
  if (s.build?.target) return targetFacts(s.build.target);
  const facts = factsOf(s.image ?? '');
  if (!facts) throw new Error(`${name}: no recorded facts for image ${s.image}`);
  return facts;
}

/** The uid the service's process runs as: its `user:` setting, or the image's user. */
function uidOf(name: string): number {
  const user = services[name]!.user?.split(':')[0];
  if (user === undefined) return imageOf(name).user.uid;
  if (/^\d+$/.test(user)) return Number(user);
  const uid = imageOf(name).users[user];
  if (uid === undefined) throw new Error(`${name}: user ${user} is not in its image`);
  return uid;
}

interface Mount {
  readonly service: string;
  readonly volume: string;
  readonly path: string;
  readonly readOnly: boolean;
}
const mounts: Mount[] = names.flatMap((service) =>
  (services[service]!.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => !source!.startsWith('.') && !source!.startsWith('/'))
    .map(([volume, path, mode]) => ({ service, volume: volume!, path: path!, readOnly: mode === 'ro' }))
);

/** Services `name` waits for, directly or through others. */
function dependenciesOf(name: string, seen = new Set<string>()): Set<string> {
  for (const dep of Object.keys(services[name]!.depends_on ?? {})) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    dependenciesOf(dep, seen);
  }
  return seen;
}

/** Services some other service waits for to finish (`service_completed_successfully`): one-shot tasks. */
const oneShot = new Set(
  names.flatMap((n) =>
    Object.entries(services[n]!.depends_on ?? {})
      .filter(([, d]) => d.condition === 'service_completed_successfully')
      .map(([dep]) => dep)
  )
);

/**
 * The owner a one-shot service gives a volume before `writer` starts: a `chown [-R] <uid>[:<gid>] <path>` in its
 * command, where it mounts the volume at <path>, and `writer` waits for it to complete.
 */
function chownedFor(writer: Mount): number | undefined {
  for (const init of oneShot) {
    const command = [services[init]!.command ?? []].flat().join(' ');
    const chown = /\bchown\s+(?:-R\s+)?(\d+)(?::\d+)?\s+(\S+)/.exec(command);
    if (!chown) continue;
    const mounted = mounts.find(
      (m) => m.service === init && m.volume === writer.volume && m.path === chown[2]
    );
    const waits =
      services[writer.service]!.depends_on?.[init]?.condition === 'service_completed_successfully';
    if (mounted && waits) return Number(chown[1]);
  }
  return undefined;
}

describe('the image facts (image-facts.ts)', () => {
  it('cover every image compose runs and every image the Dockerfile starts from', () => {
    for (const name of names) expect(`${name}: ${imageOf(name).image}`).toBeTruthy();
    const external = dockerfileStages()
      .map((s) => s.from)
      .filter((from) => !dockerfileStages().some((s) => s.name === from));
    for (const from of external) expect(`${from}: ${factsOf(from)?.image}`).not.toMatch(/undefined$/);
  });

  it('each name the build file it was read from', () => {
    for (const f of IMAGE_FACTS) expect(`${f.image}: ${f.source}`).toMatch(/Dockerfile|\.sh/);
  });
});

describe('docker-compose.yml under the images’ own users', () => {
  const writers = mounts.filter((m) => !m.readOnly);

  it('has named volumes that services write to', () => {
    expect(new Set(writers.map((m) => m.volume)).size).toBeGreaterThanOrEqual(7);
  });

  it.each(writers.map((m) => [`${m.service} → ${m.volume}:${m.path}`, m] as const))(
    '%s is writable by the user the service runs as',
    (_where, m) => {
      const uid = uidOf(m.service);
      const dir = imageOf(m.service).directories[m.path];
      const owner = chownedFor(m) ?? dir?.owner ?? 0;
      const writable = uid === 0 || owner === uid || dir?.worldWritable === true;
      expect(
        `${m.service} (uid ${uid}) on a volume owned by uid ${owner}: ${writable ? 'writable' : 'refused'}`
      ).toBe(`${m.service} (uid ${uid}) on a volume owned by uid ${owner}: writable`);
    }
  );

  it.each(
    writers.filter((m) => chownedFor(m) === undefined).map((m) => [`${m.volume} (${m.service})`, m] as const)
  )(
    '%s gets its owner from the writer’s image: every other service mounting it starts after the writer',
    (_volume, m) => {
      for (const other of mounts.filter((o) => o.volume === m.volume && o.service !== m.service)) {
        expect(
          `${other.service} waits for ${m.service}: ${dependenciesOf(other.service).has(m.service)}`
        ).toBe(`${other.service} waits for ${m.service}: true`);
      }
    }
  );
});

describe('docker-compose.yml healthchecks, restarts and required settings', () => {
  it.each(names.filter((n) => services[n]!.healthcheck).map((n) => [n] as const))(
    '%s checks its health with a program its image has',
    (name) => {
      const [form, program] = services[name]!.healthcheck!.test;
      expect(form).toBe('CMD');
      const tools = imageOf(name).tools;
      const found = tools.includes(program!) || tools.some((t) => t.split('/').pop() === program);
      expect(`${name}: ${program} in ${imageOf(name).image}: ${found}`).toBe(
        `${name}: ${program} in ${imageOf(name).image}: true`
      );
    }
  );

  it.each(names.map((n) => [n] as const))(
    '%s restarts as a long-running or a one-shot service should',
    (name) => {
      const restart = services[name]!.restart ?? 'no';
      if (oneShot.has(name)) expect(`${name}: ${restart}`).toMatch(/: (no|on-failure(:\d+)?)$/);
      else expect(`${name}: ${restart}`).toMatch(/: (unless-stopped|always|on-failure(:\d+)?)$/);
    }
  );

  it('gives every variable an image requires a value compose never leaves empty', () => {
    let checked = 0;
    for (const name of names) {
      for (const variable of imageOf(name).requiredEnvironment ?? []) {
        const value = services[name]!.environment?.[variable] ?? '';
        const required = /^\$\{[A-Z_]+:\?[^}]+\}$/.test(value) || (value !== '' && !value.includes('$'));
        expect(`${name} ${variable}=${value}: ${required}`).toMatch(/: true$/);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
