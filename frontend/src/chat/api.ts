/** The playground's one route of its own: forgetting a session's memory (docs/api.md, conversations). */
import { request } from "../shared/api/client";

const enc = encodeURIComponent;

export const chatApi = {
  forgetSession: (workspace: string | number, session: string) =>
    request<void>("DELETE", `/api/workspaces/${enc(String(workspace))}/conversations/${enc(session)}`),
};
