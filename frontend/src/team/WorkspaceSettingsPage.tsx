/**
 * /workspaces/<id>/settings/: the workspace's name, its members and their roles, invitations (by
 * username or by an expiring, revocable link) and its activity. Owners manage; editors and
 * viewers see the members and the activity and may leave. The server decides every permission
 * (a workspace keeps an owner: its 4xx message is shown as is).
 */
import { useCallback, useEffect, useState } from "react";
import { toast } from "../shared/ui/toast";
import { Dialog } from "../shared/ui/Dialog";
import { timeAgo } from "../shared/ui/format";
import { useLoaded } from "../shared/ui/useLoaded";
import { ROLES, teamApi, type WorkspaceInfo, type Activity, type Invite, type Member, type NewInvite, type Role, type WorkspaceDetail } from "./api";
import { CopyField } from "../shared/ui/CopyField";
import { NewWorkspaceDialog } from "./NewWorkspaceDialog";
import { expiryText, linkStatus, memberActions, nextBefore, settingsWorkspaceFromPath } from "./logic";
import { WorkspaceBar } from "../data/WorkspaceBar";
import "../data/data.css";
import "./team.css";

const ACTIVITY_PAGE = 20;
const INVITE_EXPIRY: [string, number][] = [["1 day", 24], ["3 days", 72], ["7 days", 168], ["30 days", 720], ["90 days", 2160]];

export default function WorkspaceSettingsPage({ username }: { username: string }) {
  const wsId = settingsWorkspaceFromPath(location.pathname);
  const [workspaces, setWorkspaces] = useState<WorkspaceInfo[]>([]);
  const { value: ws, error, reload } = useLoaded(wsId === null ? null : () => teamApi.workspace(wsId), [wsId]);
  const [problem, setProblem] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // Bumped after each change, so the activity feed shows it.
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    void reload();
    teamApi.workspaces().then(setWorkspaces, () => undefined);
  }, [reload]);

  /** Runs a change; a refusal (the last owner, an unknown user…) is shown above the members. */
  const attempt = useCallback(async (fn: () => Promise<unknown>, done?: string) => {
    try {
      await fn();
      setProblem(null);
      if (done) toast(done, "success");
    } catch (e) {
      setProblem((e as Error).message);
    }
    setChanges((n) => n + 1);
    await reload();
  }, [reload]);

  if (wsId === null) return <main className="page-error">No workspace in the address.</main>;
  if (error) return <main className="page-error" role="alert">Could not open the workspace: {error}</main>;
  if (!ws) return <main className="list-page"><p className="muted">Loading…</p></main>;
  const owner = ws.role === "owner";

  return (
    <main className="list-page data-page team-page">
      <WorkspaceBar title="Workspace settings" workspaces={workspaces} current={wsId}>
        <a href={`/?workspace=${wsId}`}>Pipelines</a>
        <a href={`/workspaces/${wsId}/credentials/`}>Credentials</a>
        <a href={`/workspaces/${wsId}/data/`}>Documents</a>
        <button className="btn" onClick={() => setCreating(true)}>New workspace</button>
      </WorkspaceBar>
      {ws.personal && <p className="muted small">This is your personal workspace. Create a shared workspace to work with others.</p>}
      <RenameSection ws={ws} canRename={owner} onRenamed={() => { setChanges((n) => n + 1); void reload(); }} />
      <h2>Members <span className="muted small">{ws.members.length}</span></h2>
      {problem && <p className="error-text" role="alert" data-testid="member-problem">{problem}</p>}
      <MembersTable ws={ws} me={username} attempt={attempt} />
      {owner && !ws.personal && <AddMember wsId={wsId} attempt={attempt} />}
      {owner && !ws.personal && <InviteLinks wsId={wsId} />}
      <ActivityFeed key={changes} wsId={wsId} />
      {creating && <NewWorkspaceDialog onClose={() => setCreating(false)} />}
    </main>
  );
}

function RenameSection({ ws, canRename, onRenamed }: { ws: WorkspaceDetail; canRename: boolean; onRenamed(): void }) {
  const [name, setName] = useState(ws.name);
  const [err, setErr] = useState<string | null>(null);
  if (!canRename) return null;
  return (
    <form className="row team-rename" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await teamApi.renameWorkspace(ws.id, name.trim());
        setErr(null);
        toast("Workspace renamed.", "success");
        onRenamed();
      } catch (x) {
        setErr((x as Error).message);
      }
    }}>
      <label className="field-inline">
        <span>Name</span>
        <input className="input" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} aria-label="Workspace name" required />
      </label>
      <button type="submit" className="btn" disabled={!name.trim() || name.trim() === ws.name}>Rename</button>
      {err && <span className="error-text" role="alert">{err}</span>}
    </form>
  );
}

function MembersTable({ ws, me, attempt }: { ws: WorkspaceDetail; me: string; attempt(fn: () => Promise<unknown>, done?: string): Promise<void> }) {
  const [confirm, setConfirm] = useState<{ member: Member; leave: boolean } | null>(null);
  return (
    <>
      <table className="table members" aria-label="Members">
        <thead>
          <tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {ws.members.map((m) => {
            const can = memberActions(ws.role, me, m);
            return (
              <tr key={m.user_id} data-member={m.username}>
                <td>{m.username}{m.username === me && <span className="muted"> (you)</span>}</td>
                <td>
                  {can.changeRole ? (
                    <select className="input role-select" aria-label={`Role of ${m.username}`} value={m.role}
                      onChange={(e) => void attempt(() => teamApi.changeRole(ws.id, m.user_id, e.target.value as Role), `${m.username} is now ${e.target.value}.`)}>
                      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  ) : (
                    <span className="badge">{m.role}</span>
                  )}
                </td>
                <td title={m.joined_at}>{timeAgo(m.joined_at)}</td>
                <td className="row-actions">
                  {can.remove && <button className="btn btn-small btn-danger" onClick={() => setConfirm({ member: m, leave: false })} aria-label={`Remove ${m.username}`}>Remove</button>}
                  {can.leave && !ws.personal && <button className="btn btn-small" onClick={() => setConfirm({ member: m, leave: true })}>Leave</button>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {confirm && (
        <Dialog title={confirm.leave ? "Leave workspace" : "Remove member"} onClose={() => setConfirm(null)}>
          <p>
            {confirm.leave
              ? <>Leave <strong>{ws.name}</strong>? You lose access to its pipelines, runs and credentials at once.</>
              : <>Remove <strong>{confirm.member.username}</strong> from <strong>{ws.name}</strong>? Their open run streams close and their API tokens stop working here at once.</>}
          </p>
          <div className="dialog-actions">
            <button className="btn" onClick={() => setConfirm(null)} autoFocus>Cancel</button>
            <button className="btn btn-danger" onClick={async () => {
              const { member, leave } = confirm;
              setConfirm(null);
              if (leave) {
                try {
                  await teamApi.leave(ws.id);
                  location.assign("/");
                } catch (e) {
                  await attempt(() => Promise.reject(e));
                }
              } else {
                await attempt(() => teamApi.removeMember(ws.id, member.user_id), `Removed ${member.username}.`);
              }
            }}>{confirm.leave ? "Leave" : "Remove"}</button>
          </div>
        </Dialog>
      )}
    </>
  );
}

function AddMember({ wsId, attempt }: { wsId: number; attempt(fn: () => Promise<unknown>, done?: string): Promise<void> }) {
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("editor");
  return (
    <form className="row team-add" aria-label="Invite by username" onSubmit={async (e) => {
      e.preventDefault();
      const who = username.trim();
      await attempt(() => teamApi.addMember(wsId, who, role), `Added ${who} as ${role}.`);
      setUsername("");
    }}>
      <input className="input" placeholder="Username" aria-label="Username to add" value={username} onChange={(e) => setUsername(e.target.value)} required />
      <select className="input role-select" aria-label="Role for the new member" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
      <button type="submit" className="btn" disabled={!username.trim()}>Add member</button>
    </form>
  );
}

function InviteLinks({ wsId }: { wsId: number }) {
  const [items, setItems] = useState<Invite[] | null>(null);
  const [role, setRole] = useState<Role>("editor");
  const [hours, setHours] = useState(72);
  const [made, setMade] = useState<NewInvite | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const reload = useCallback(() => teamApi.invites(wsId).then(setItems, (e) => setErr((e as Error).message)), [wsId]);
  useEffect(() => void reload(), [reload]);

  return (
    <section aria-label="Invite links">
      <h2>Invite links</h2>
      <p className="muted small">Anyone with a link can join with its role until it expires or you revoke it. No mail is sent: copy the link and pass it on.</p>
      <form className="row" onSubmit={async (e) => {
        e.preventDefault();
        try {
          setMade(await teamApi.createInvite(wsId, role, hours));
          setErr(null);
          void reload();
        } catch (x) {
          setErr((x as Error).message);
        }
      }}>
        <select className="input role-select" aria-label="Role of the invite" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        <select className="input" aria-label="Invite expires after" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {INVITE_EXPIRY.map(([label, h]) => <option key={h} value={h}>expires in {label}</option>)}
        </select>
        <button type="submit" className="btn btn-primary">Create invite link</button>
      </form>
      {err && <p className="error-text" role="alert">{err}</p>}
      {made && (
        <div className="secret-once" data-testid="new-invite">
          <p className="small">Invite link for a new <strong>{made.role}</strong>, {expiryText(made.expires_at) === "never" ? "no expiry" : `expires ${expiryText(made.expires_at)}`}. It is shown only now: copy it.</p>
          <CopyField label="Invite link" value={`${location.origin}${made.url}`} />
        </div>
      )}
      {items && items.length > 0 && (
        <table className="table" aria-label="Invite link list">
          <thead><tr><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col">Used</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {items.map((i) => {
              const status = linkStatus(i);
              return (
                <tr key={i.id}>
                  <td>{i.role}</td>
                  <td><span className={`badge link-${status}`}>{status}</span></td>
                  <td title={i.expires_at ?? ""}>{expiryText(i.expires_at)}</td>
                  <td>{i.uses}×</td>
                  <td>{timeAgo(i.created_at)}{i.created_by && <span className="muted"> by {i.created_by}</span>}</td>
                  <td className="row-actions">
                    {status === "active" && (
                      <button className="btn btn-small btn-danger" onClick={() => teamApi.revokeInvite(wsId, i.id).then(() => { toast("Invite link revoked.", "success"); void reload(); }, (e) => toast((e as Error).message, "error"))}>Revoke</button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {items && items.length === 0 && <p className="muted small">No invite links yet.</p>}
    </section>
  );
}

function ActivityFeed({ wsId }: { wsId: number }) {
  const [rows, setRows] = useState<Activity[]>([]);
  const [more, setMore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [err, setErr] = useState<string | null>(null);
  const load = useCallback(async (before?: number) => {
    setLoading(true);
    try {
      const page = await teamApi.activity(wsId, before, ACTIVITY_PAGE);
      setRows((r) => (before ? [...r, ...page] : page));
      setMore(nextBefore(page, ACTIVITY_PAGE));
      setErr(null);
    } catch (e) {
      setErr((e as Error).message);
    }
    setLoading(false);
  }, [wsId]);
  useEffect(() => void load(), [load]);
  return (
    <section aria-label="Activity">
      <h2>Activity</h2>
      {err && <p className="error-text" role="alert">{err}</p>}
      {!loading && rows.length === 0 && !err && <p className="muted small">Nothing has happened here yet.</p>}
      <ul className="activity" data-testid="activity">
        {rows.map((a) => (
          <li key={a.id}>
            {a.actor && !a.summary.startsWith(`${a.actor} `) && <strong>{a.actor} </strong>}{a.summary}
            {a.count > 1 && <span className="muted"> ({a.count}×)</span>}
            <span className="muted small" title={a.updated_at}> · {timeAgo(a.updated_at)}</span>
          </li>
        ))}
      </ul>
      {more !== null && <button className="btn btn-small" disabled={loading} onClick={() => void load(more)}>Older activity</button>}
    </section>
  );
}
