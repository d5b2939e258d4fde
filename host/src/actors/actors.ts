/** Who the host can be: the demo actors `easel dev` seeds a lens policy for (project `demo`). */
export const ACTOR_IDS = ['director', 'planner', 'viewer', 'agent'] as const;
export type ActorId = (typeof ACTOR_IDS)[number];

/** A demo actor: the dev token's claims and how the host shows it. */
export interface ActorProfile {
  id: ActorId;
  /** Default `sub` claim (a `?user=` in the URL replaces it, so two tabs can be two people of one role). */
  sub: string;
  name: string;
  roles: readonly string[];
  kind: 'human' | 'agent';
  /** One line on what the lens lets this actor do. */
  summary: string;
  /** Drawn behind the actor's white initial on the landing page: at least 4.5:1 against white (WCAG 1.4.3). */
  color: string;
}

export const ACTORS: Readonly<Record<ActorId, ActorProfile>> = {
  director: {
    id: 'director',
    sub: 'dana-director',
    name: 'Dana',
    roles: ['director'],
    kind: 'human',
    summary: 'Reads and writes everything, including director-only tokens.',
    color: '#4f46e5',
  },
  planner: {
    id: 'planner',
    sub: 'pat-planner',
    name: 'Pat',
    roles: ['planner'],
    kind: 'human',
    summary: 'Sees plan.* tokens, edits notes, asks the agent.',
    color: '#0369a1',
  },
  viewer: {
    id: 'viewer',
    sub: 'vic-viewer',
    name: 'Vic',
    roles: ['viewer'],
    kind: 'human',
    summary: 'Reads everything, changes nothing.',
    color: '#64748b',
  },
  agent: {
    id: 'agent',
    sub: 'ada-agent',
    name: 'Ada',
    roles: ['agent'],
    kind: 'agent',
    summary: 'An agent actor: writes state and tokens through commands.',
    color: '#047857',
  },
};

export function isActorId(value: string): value is ActorId {
  return (ACTOR_IDS as readonly string[]).includes(value);
}
