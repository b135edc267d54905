// What each image of docker-compose.yml holds, read from the image's own build file (no Docker engine runs here,
// so compose-image-facts.test.ts checks the compose file and the Dockerfile against these facts). Each image names
// the file, repository and commit (or tag) its facts come from; a fact not stated there says how it follows.

/** A directory of an image: its owner's uid, and whether every user may write to it. */
export interface ImageDirectory {
  readonly owner: number;
  readonly worldWritable?: boolean;
}

/** The facts of one image. */
export interface ImageFacts {
  /** The repository part of the image reference (`grafana/loki` of `grafana/loki:3.7.6`). */
  readonly image: string;
  /** The user its process runs as. */
  readonly user: { readonly name: string; readonly uid: number };
  /** Users of the image by name (its /etc/passwd); a scratch image has none. */
  readonly users: Readonly<Record<string, number>>;
  /** Directories the image has, by absolute path. */
  readonly directories: Readonly<Record<string, ImageDirectory>>;
  /** Executables an exec-form healthcheck can call (by name on PATH, or by path). */
  readonly tools: readonly string[];
  /** Environment variables without which the image refuses to start. */
  readonly requiredEnvironment?: readonly string[];
  /** Where the facts come from. */
  readonly source: string;
}

const ROOT = { name: 'root', uid: 0 } as const;
// Busybox's applets, as busybox-based images link them (sh, wget, chown, ...).
const BUSYBOX = ['sh', 'wget', 'chown', 'chmod', 'mkdir', 'cat', 'od', 'tr'];

/** The images of docker-compose.yml and the Dockerfile's FROM lines. */
export const IMAGE_FACTS: readonly ImageFacts[] = [
  {
    image: 'grafana/loki',
    source:
      'grafana/loki cmd/loki/Dockerfile at v3.7.6 (5003600d): the filesystem stage creates /etc/loki, /loki/rules, ' +
      '/loki/rules-temp, adds loki (uid 10001) and chowns them; the final stage is gcr.io/distroless/static:nonroot ' +
      '(no shell, no wget) with only /usr/bin/loki copied in, `USER 10001`',
    user: { name: 'loki', uid: 10001 },
    users: { loki: 10001 },
    directories: {
      '/loki': { owner: 10001 },
      '/loki/rules': { owner: 10001 },
      '/loki/rules-temp': { owner: 10001 },
      '/etc/loki': { owner: 10001 },
    },
    tools: ['/usr/bin/loki'],
  },
  {
    image: 'prom/alertmanager',
    source:
      'prometheus/alertmanager Dockerfile at v0.28.1 (661b9fee): FROM quay.io/prometheus/busybox, ' +
      '`mkdir -p /alertmanager && chown -R nobody:nobody etc/alertmanager /alertmanager`, `USER nobody` ' +
      '(busybox: nobody is uid 65534)',
    user: { name: 'nobody', uid: 65534 },
    users: { nobody: 65534 },
    directories: {
      '/alertmanager': { owner: 65534 },
      '/etc/alertmanager': { owner: 65534 },
    },
    tools: ['/bin/alertmanager', '/bin/amtool', ...BUSYBOX],
  },
  {
    image: 'busybox',
    source:
      'docker-library/busybox latest-1/glibc/Dockerfile (busybox 1.37, 9c208781): FROM scratch, ' +
      '`ADD busybox.tar.gz /`, `CMD ["sh"]`, no USER (root)',
    user: ROOT,
    users: { root: 0 },
    directories: {},
    tools: BUSYBOX,
  },
  {
    image: 'otel/opentelemetry-collector-contrib',
    source:
      'open-telemetry/opentelemetry-collector-releases distributions/otelcol-contrib/Dockerfile (ceccc19d): ' +
      'FROM scratch, `USER ${USER_UID}:${USER_GID}` (10001), only /otelcol-contrib, its config and CA ' +
      'certificates copied in: no shell, no /etc/passwd, no /var/lib/otelcol',
    user: { name: '10001', uid: 10001 },
    users: {},
    directories: {},
    tools: ['/otelcol-contrib'],
  },
  {
    image: 'grafana/grafana',
    source:
      'grafana/grafana Dockerfile, final stage: `ARG GF_UID="472"`, adduser grafana with that uid, ' +
      '`mkdir -p` of GF_PATHS_DATA (/var/lib/grafana), the provisioning and plugin folders, ' +
      '`chown -R "grafana:$GF_GID_NAME"` and `chmod -R 777` of them; curl and bash installed ' +
      '(`apk add ... bash curl` / `apt-get install ... curl`); `USER "$GF_UID"`',
    user: { name: 'grafana', uid: 472 },
    users: { grafana: 472 },
    directories: {
      '/var/lib/grafana': { owner: 472, worldWritable: true },
      '/var/lib/grafana/plugins': { owner: 472, worldWritable: true },
      '/etc/grafana/provisioning': { owner: 472, worldWritable: true },
      '/var/log/grafana': { owner: 472, worldWritable: true },
    },
    tools: ['curl', 'bash', 'sh', 'grafana'],
  },
  {
    image: 'curlimages/curl',
    source:
      'curl/curl-container create_base_image.sh and create_appliance_image.sh at 8.17.0 (e439fd04), on ' +
      'alpine:3.22.2 (Makefile): `addgroup -S curl_group`, `adduser -S curl_user -G curl_group` (busybox adduser ' +
      'makes /home/curl_user, owned by the user, and takes the first free system uid, 100, on Alpine), ' +
      '`buildah config --user curl_user`, `--workingdir /home/curl_user`; nothing under /run',
    user: { name: 'curl_user', uid: 100 },
    users: { curl_user: 100 },
    directories: { '/home/curl_user': { owner: 100 } },
    tools: ['curl', ...BUSYBOX],
  },
  {
    image: 'node',
    source:
      'nodejs/docker-node 24/bookworm-slim/Dockerfile (f27d936f): `groupadd --gid 1000 node && useradd --uid 1000 ' +
      '--gid node --shell /bin/bash --create-home node`; curl and wget are installed for the download and purged ' +
      'again; no USER (root until a Dockerfile built on it says otherwise)',
    user: ROOT,
    users: { root: 0, node: 1000 },
    directories: { '/home/node': { owner: 1000 }, '/tmp': { owner: 0, worldWritable: true } },
    tools: ['node', 'npm', 'sh', 'bash'],
  },
  {
    image: 'postgres',
    source:
      'docker-library/postgres 17/bookworm/Dockerfile and docker-entrypoint.sh (6edb0a8c): postgres is uid 999, ' +
      '`install --directory --owner postgres --group postgres --mode 1777 "$PGDATA"` (/var/lib/postgresql/data); ' +
      'the entrypoint starts as root and steps down with gosu, and refuses to initialise without ' +
      'POSTGRES_PASSWORD ("Database is uninitialized and superuser password is not specified")',
    user: ROOT,
    users: { root: 0, postgres: 999 },
    directories: { '/var/lib/postgresql/data': { owner: 999, worldWritable: true } },
    tools: ['pg_isready', 'psql', 'sh', 'bash'],
    requiredEnvironment: ['POSTGRES_PASSWORD'],
  },
  {
    image: 'axllent/mailpit',
    source:
      'axllent/mailpit Dockerfile at v1.27.0 (b61e3ead): FROM alpine:latest, the binary at /mailpit, its own ' +
      'HEALTHCHECK `["/mailpit", "readyz"]`, no USER (root)',
    user: ROOT,
    users: { root: 0 },
    directories: {},
    tools: ['/mailpit', ...BUSYBOX],
  },
  {
    image: 'nginx',
    source:
      'nginx/docker-nginx mainline/alpine-slim/Dockerfile at 1.29.3 (e4d54535): FROM alpine:3.22, the nginx ' +
      'user (uid 101) only for the workers, no USER (the master runs as root), busybox wget',
    user: ROOT,
    users: { root: 0, nginx: 101 },
    directories: {},
    tools: ['nginx', ...BUSYBOX],
  },
];

/** The facts of an image reference (`repository:tag`), or undefined when none are recorded. */
export function factsOf(reference: string): ImageFacts | undefined {
  const repository = reference.replace(/[:@].*$/, '').replace(/^docker\.io\/(library\/)?/, '');
  return IMAGE_FACTS.find((f) => f.image === repository);
}
