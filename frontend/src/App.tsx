import CollectionsPage from "./pages/CollectionsPage";
import CredentialsPage from "./pages/CredentialsPage";
import DatasetsPage from "./pages/DatasetsPage";
import EditorPage from "./pages/EditorPage";
import ExperimentPage from "./pages/ExperimentPage";
import { ListPage } from "./pages/ListPage";
import RunPage from "./pages/RunPage";
import SharedPage from "./pages/SharedPage";
import TokensPage from "./pages/TokensPage";
import WorkspaceSettingsPage from "./pages/WorkspaceSettingsPage";
import { Toasts } from "./ui/Toasts";

export interface PageProps {
  page: string;
  pipelineId: string;
  runId: string;
  username: string;
}

export function App({ page, pipelineId, runId, username }: PageProps) {
  let body;
  if (page === "editor" && pipelineId) body = <EditorPage pipelineId={pipelineId} />;
  else if (page === "run" && runId) body = <RunPage runId={runId} />;
  else if (page === "datasets") body = <DatasetsPage />;
  else if (page === "experiment") body = <ExperimentPage />;
  else if (page === "credentials") body = <CredentialsPage />;
  else if (page === "data") body = <CollectionsPage />;
  else if (page === "workspace-settings") body = <WorkspaceSettingsPage username={username} />;
  else if (page === "tokens") body = <TokensPage />;
  else if (page === "shared") body = <SharedPage username={username} />;
  else body = <ListPage />;
  return (
    <>
      {body}
      <Toasts />
    </>
  );
}
