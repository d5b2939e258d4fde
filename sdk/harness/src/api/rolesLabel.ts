/** How the harness names an actor's roles in a sentence: `editor, planner`, or `no role`. */
export function rolesLabel(roles: readonly string[]): string {
  return roles.length > 0 ? roles.join(', ') : 'no role';
}
