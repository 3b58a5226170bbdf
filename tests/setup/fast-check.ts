/**
 * fast-check's seed for every property of a run. In CI (CI=true) a fixed one, so CI runs the
 * same cases every time and a failure there is one command to replay; elsewhere a new one each
 * run. FC_SEED=S replays seed S; FC_SEED=random asks for a new one even in CI (`npm run test:fuzz`).
 * The number of runs of each property: tests/helpers/fuzz.ts (FC_RUNS_FACTOR).
 */
import fc from 'fast-check';

const CI_SEED = 20261206;
const given = process.env.FC_SEED;
const seed =
  given && given !== 'random'
    ? Number(given)
    : process.env.CI === 'true' && given !== 'random'
      ? CI_SEED
      : Math.floor(Math.random() * 0x7fffffff);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
