/** Personal API tokens (docs/api.md): list, create (the raw token comes back once, in that answer only), revoke. */
import { request } from "../../shared/api/client";

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  workspace: number | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked: boolean;
  created_at: string;
}

export interface NewApiToken extends ApiToken {
  token: string;
}

export const tokensApi = {
  list: () => request<ApiToken[]>("GET", "/api/tokens"),
  create: (body: { name: string; expires_at?: string; workspace?: number }) => request<NewApiToken>("POST", "/api/tokens", body),
  revoke: (id: number) => request<void>("DELETE", `/api/tokens/${id}`),
};
