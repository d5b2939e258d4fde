import { ACTORS, type ActorId } from '../actors/actors.ts';

/** What the tab shows: the picker, a flow opened as an actor, or a flow name that does not exist. */
export type TitleView =
  | { kind: 'picker' }
  | { kind: 'unknown-flow'; flow: string }
  | { kind: 'flow'; flowTitle: string; actor: ActorId; user: string | null };

/**
 * The `document.title` for a view: the flow and who you are come first, so two tabs of one flow
 * as two actors (the collaboration demo) can be told apart in the tab strip and the history.
 */
export function documentTitle(view: TitleView): string {
  switch (view.kind) {
    case 'picker':
      return 'Choose a flow · Easel';
    case 'unknown-flow':
      return `Unknown flow “${view.flow}” · Easel`;
    case 'flow': {
      const who = view.user ?? ACTORS[view.actor].name;
      return `${view.flowTitle} — ${who} (${view.actor}) · Easel`;
    }
  }
}

/** The title while the connection is not live: the state first (`Offline · Launch studio — …`). */
export function withConnectionNote(note: string, title: string): string {
  return `${note.replace(/…$/, '')} · ${title}`;
}
