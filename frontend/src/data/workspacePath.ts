/** Workspace pages are addressed /workspaces/<id>/<page>/: read and swap the id. */

/** The workspace id of a /workspaces/<id>/… page, or null. */
export function workspaceFromPath(path: string): number | null {
  const m = /^\/workspaces\/(\d+)\//.exec(path);
  return m ? Number(m[1]) : null;
}

/** The same page for another workspace. */
export function pathForWorkspace(path: string, ws: number): string {
  return path.replace(/^\/workspaces\/\d+\//, `/workspaces/${ws}/`);
}
