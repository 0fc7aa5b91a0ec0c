/** The playground's conversation for the open pipeline: session id and turns (survives closing the pane). */
import { create } from "zustand";
import { newSessionId, type Turn, type TurnAction, turnsReducer } from "./chatModel";

interface ChatStore {
  session: string;
  turns: Turn[];
  nextKey: number;
  dispatch(a: TurnAction): void;
  ask(user: string): number;
  newSession(): void;
}

export const useChat = create<ChatStore>((set, get) => ({
  session: newSessionId(),
  turns: [],
  nextKey: 1,
  dispatch(a) {
    set({ turns: turnsReducer(get().turns, a) });
  },
  ask(user) {
    const key = get().nextKey;
    set({ nextKey: key + 1, turns: turnsReducer(get().turns, { type: "ask", key, user }) });
    return key;
  },
  newSession() {
    set({ session: newSessionId(), turns: [] });
  },
}));
