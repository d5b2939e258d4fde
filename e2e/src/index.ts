// @easel/e2e — transport-level integration tests against real gateway processes (Vitest project `integration`).
export {
  E2eWorld,
  FAST_TIERS,
  SECTION_6_POLICY,
  freePort,
  seededRandom,
  startGateway,
  waitUntil,
} from './support/world.ts';
