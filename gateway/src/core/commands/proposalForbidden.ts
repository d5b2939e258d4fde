import { fail } from '../errors/GatewayError.ts';

/**
 * The refusal of a proposal with ops whose principal's lens does not grant `state.ops` (403
 * `forbidden`, `details {type: 'state.ops'}`, as on the command path): checked before the
 * proposal runs and again inside its write turn on a shared spine (the policy in force then).
 */
export function proposalForbidden() {
  return fail('forbidden', "your roles may not run command 'state.ops'; nothing was applied", {
    type: 'state.ops',
  });
}
