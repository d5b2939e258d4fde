/**
 * `@easel/transport/agent`: {@link EaselAgent}, the helper for agent processes (join with presence
 * as an agent, chat turns, proposals). A separate entry so browser apps that never act as an agent
 * do not load it.
 */
export {
  EaselAgent,
  type AgentError,
  type EaselAgentOptions,
  type ProposalOutcome,
} from './agents/EaselAgent.ts';
