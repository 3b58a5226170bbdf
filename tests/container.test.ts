/**
 * The container files: Dockerfile, .dockerignore, docker-compose.yml, .env.example and the
 * Prometheus configuration. There is no Docker engine in CI, so the image is not built here:
 * these tests check the files' structure, run the health check's own command against the
 * built server, and validate the compose file with `docker compose config` (or Debian's
 * `docker-compose` v1) when one is installed, which needs no engine.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../src/http/env.js';
import { ROOT } from '../src/config/paths.js';
import { SHUTDOWN_GRACE_MS } from '../src/http/shutdown.js';
import { SERVER, startServer } from './helpers/built.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

// --- .env.example ----------------------------------------------------------------------------

/** KEY=VALUE lines of an env file, and whether a comment comes right before each. */
function envFile(text: string): Map<string, { value: string; commented: boolean }> {
  const out = new Map<string, { value: string; commented: boolean }>();
  let comment = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) comment = true;
    else if (/^[A-Z_][A-Z0-9_]*=/.test(line)) {
      const i = line.indexOf('=');
      out.set(line.slice(0, i), { value: line.slice(i + 1), commented: comment });
    } else if (line.trim() === '') comment = false;
  }
  return out;
}

describe('.env.example', () => {
  const example = envFile(read('.env.example'));

  it('lists every variable the line reads, each with a comment', () => {
    const read = new Set(
      [...readFileSync(join(ROOT, 'src', 'http', 'env.ts'), 'utf8').matchAll(/\be\.([A-Z][A-Z0-9_]+)/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(read.size).toBeGreaterThanOrEqual(11);
    for (const name of read) {
      expect(example.has(name), name).toBe(true);
      expect(example.get(name)!.commented, name).toBe(true);
    }
    for (const [name, v] of example) expect(v.commented, name).toBe(true);
  });

  it('names every variable docker-compose.yml interpolates', () => {
    for (const [, name] of read('docker-compose.yml').matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g))
      expect(example.has(name!), name).toBe(true);
  });

  it('is a valid environment once the auth token is filled in, and not before', () => {
    const env = Object.fromEntries([...example].map(([k, v]) => [k, v.value]));
    expect(readEnv(env).ok).toBe(false); // production without TWILIO_AUTH_TOKEN
    const filled = readEnv({ ...env, TWILIO_AUTH_TOKEN: 'x'.repeat(32) });
    expect(filled.errors).toEqual([]);
    expect(filled).toMatchObject({
      port: 3000,
      logLevel: 'info',
      production: true,
      directory: undefined,
      metricsToken: undefined,
    });
  });

  it('an empty value means "not set", as .env files and compose leave them', () => {
    const env = readEnv({ PORT: '', LOG_LEVEL: '', HOST: '', METRICS_TOKEN: ' ', TRUST_PROXY: '' });
    expect(env.errors).toEqual([]);
    expect(env).toMatchObject({
      port: 3000,
      logLevel: 'info',
      host: '0.0.0.0',
      metricsToken: undefined,
      trustProxy: false,
    });
    expect(readEnv({ METRICS_TOKEN: 'two words' }).ok).toBe(false);
  });
});

// --- Dockerfile ------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('builds on the official Node 24 slim image in two stages, the last with production dependencies only', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(stages.length).toBe(2);
    expect(stages[0]).toMatch(/^RUN npm ci\b/m);
    expect(stages[0]).toMatch(/^RUN npm run build$/m);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^COPY config \.\/config$/m);
    expect(runtime).toMatch(/^COPY prompts \.\/prompts$/m);
    expect(runtime).toMatch(/^COPY package\.json package-lock\.json \.\/$/m); // paths.ts finds the root by package.json
  });

  it('runs as the unprivileged node user, in production, in Brussels time', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD'));
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/TZ=Europe\/Brussels/);
  });

  it('starts the built server in exec form, as npm start does, stops on SIGTERM, and checks /health', () => {
    expect(lines.at(-1)!.startsWith('CMD ')).toBe(true);
    expect(JSON.parse(lines.at(-1)!.slice(4))).toEqual(['node', 'dist/server.mjs']);
    expect(JSON.parse(read('package.json')).scripts.start).toBe(
      'exec node --import ./scripts/ensure-built.mjs dist/server.mjs',
    );
    expect(existsSync(SERVER)).toBe(true); // what npm run build makes (tests/global-setup.ts)
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", ".*\/health.*"\]$/m);
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const [, sources] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of sources!.split(' ')) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        expect(ignored, src).not.toContain(src);
      }
    }
    for (const kept of ['node_modules', 'dist', '.env', '.git', 'tests']) expect(ignored).toContain(kept);
  });
});

describe('the health check command', () => {
  const healthCommand = (file: string) => {
    const m = /CMD \["node", "-e", "(.*)"\]/.exec(read(file).split('HEALTHCHECK')[1] ?? read(file));
    return JSON.parse(`"${m![1]!}"`) as string;
  };
  const run = (script: string, env: Record<string, string>) =>
    spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 }).status;

  it('exits 0 against the running line and 1 when nothing answers (Dockerfile and compose)', async () => {
    const server = await startServer({});
    try {
      const port = String(server.port);
      const fromDockerfile = healthCommand('Dockerfile');
      expect(run(fromDockerfile, { PORT: port })).toBe(0);
      const fromCompose = parse(read('docker-compose.yml')).services.helpline.healthcheck.test as string[];
      expect(fromCompose.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(run(fromCompose[3]!.replace('127.0.0.1:3000', `127.0.0.1:${port}`), {})).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(run(healthCommand('Dockerfile'), { PORT: '1' })).toBe(1);
  });
});

// --- docker-compose.yml ----------------------------------------------------------------------

/** Compose durations such as 15s, 1m30s. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(h|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1 }[unit as 'h' | 'm' | 's'];
  return total;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'));
  const line = compose.services.helpline;

  it('runs the line with its environment from .env, restarting, read-only, with /tmp in memory', () => {
    expect(line.build).toBe('.');
    expect(line.env_file).toBe('.env');
    expect(line.environment.NODE_ENV).toBe('production');
    expect(line.restart).toBe('unless-stopped');
    expect(line.read_only).toBe(true);
    expect(line.tmpfs).toContain('/tmp');
    expect(line.cap_drop).toEqual(['ALL']);
    expect(line.ports).toEqual(['127.0.0.1:${HELPLINE_PORT:-3000}:3000']);
    expect(line.healthcheck.test.join(' ')).toMatch(/\/health/);
  });

  it('gives the app longer to stop than its own shutdown bound', () => {
    const appSeconds = SHUTDOWN_GRACE_MS / 1000;
    expect(line.stop_signal).toBe('SIGTERM');
    expect(seconds(line.stop_grace_period)).toBeGreaterThanOrEqual(appSeconds + 5);
  });

  it('has an optional Prometheus in the "metrics" profile that scrapes /metrics with the bearer token', () => {
    const prom = compose.services.prometheus;
    expect(prom.profiles).toEqual(['metrics']);
    expect(prom.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(prom.environment).toEqual({ METRICS_TOKEN: '${METRICS_TOKEN:-}' });
    expect(prom.env_file).toBeUndefined(); // not the Twilio token
    const mount = (prom.volumes as string[]).find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'))!;
    const config = parse(read(mount.split(':')[0]!));
    const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'helpline');
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs[0].targets).toEqual(['helpline:3000']);
    expect(job.authorization.type).toBe('Bearer');
    // The entrypoint writes the token where the scrape reads it.
    expect(prom.entrypoint.join(' ')).toContain(`> ${job.authorization.credentials_file}`);
    expect(prom.read_only).toBe(true);
  });

  it('keeps a year of figures: Prometheus retains 400 days or more, with the daily counts of deploy/figures.yml', () => {
    const prom = compose.services.prometheus;
    const days = /--storage\.tsdb\.retention\.time=(\d+)d\b/.exec(prom.entrypoint.join(' '));
    expect(Number(days?.[1])).toBeGreaterThanOrEqual(400);
    expect(prom.volumes).toContain('./deploy/figures.yml:/etc/prometheus/figures.yml:ro');
  });

  it("runs npm run purge every hour in its own profile, with the line's image and .env, its metrics scraped", () => {
    const purge = compose.services.purge;
    expect(purge.profiles).toEqual(['purge']);
    expect(purge.image).toBe(line.image);
    expect(purge.env_file).toBe('.env');
    expect(purge.ports).toBeUndefined(); // its metrics stay on the compose network
    expect(purge.command).toEqual(['node', 'dist/cli/purge.js', '--every', '1h', '--metrics-port', '9464']);
    expect(JSON.parse(read('package.json')).scripts.purge).toBe(
      'node --import ./scripts/ensure-built.mjs dist/cli/purge.js',
    );
    expect(purge.read_only).toBe(true);
    expect(purge.cap_drop).toEqual(['ALL']);
    const config = parse(read('deploy/prometheus.yml'));
    const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'purge');
    expect(job.static_configs[0].targets).toEqual(['purge:9464']);
  });
});

/** `docker compose` (v2) or `docker-compose` (v1), when installed. v2's probe is a fast Go
 * binary; v1 (Debian's, in Python) costs about half a CPU-second a run, so it is looked up on
 * PATH instead of asked for its version. */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'docker-compose'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return onPath ? ['docker-compose'] : undefined;
}
const composeCmd = composeCommand();

/** A service as `config` prints it; ports in v1's short form or v2's long one. */
interface ComposeService {
  profiles?: string[];
  ports?: Array<string | { host_ip?: string; published?: string | number; target: number }>;
  stop_grace_period?: string;
}
const portOf = (p: NonNullable<ComposeService['ports']>[number]) =>
  typeof p === 'string' ? p.replace(/\/tcp$/, '') : `${p.host_ip}:${p.published}:${p.target}`;

describe.skipIf(!composeCmd)(`${composeCmd?.join(' ') ?? 'docker compose'} config (no engine needed)`, () => {
  it('accepts the file with an .env made from .env.example, with the metrics and purge profiles on', () => {
    // .env is the operator's and is never committed: validate a copy with one made from the example.
    const dir = mkdtempSync(join(tmpdir(), 'helpline-compose-'));
    try {
      for (const f of ['docker-compose.yml', 'Dockerfile', 'deploy'])
        cpSync(join(ROOT, f), join(dir, f), { recursive: true });
      cpSync(join(ROOT, '.env.example'), join(dir, '.env'));
      // One run, with both profiles on, so that v2 prints every service too (v1 always does);
      // which services each profile starts is then read from their `profiles`, as compose reads them.
      const run = spawnSync(
        composeCmd![0]!,
        [
          ...composeCmd!.slice(1),
          '--project-directory',
          dir,
          '-f',
          join(dir, 'docker-compose.yml'),
          '--profile',
          'metrics',
          '--profile',
          'purge',
          'config',
        ],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
        },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const services = parse(run.stdout).services as Record<string, ComposeService>;
      const started = (profile?: string) =>
        Object.entries(services)
          .filter(([, s]) => !s.profiles || (profile !== undefined && s.profiles.includes(profile)))
          .map(([name]) => name)
          .sort();
      expect(started()).toContain('helpline');
      expect(started('metrics')).toEqual(['alertmanager', 'grafana', 'helpline', 'prometheus']);
      expect(started('purge')).toContain('purge');
      expect(Object.values(services).some((s) => s.profiles?.includes('metrics'))).toBe(true);
      expect(services.helpline!.ports!.map(portOf)).toEqual(['127.0.0.1:3000:3000']);
      expect(seconds(services.helpline!.stop_grace_period!)).toBe(15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
