import CollectionsPage from "./data/documents/CollectionsPage";
import CredentialsPage from "./data/credentials/CredentialsPage";
import DatasetsPage from "./data/datasets/DatasetsPage";
import EditorPage from "./editor/EditorPage";
import ExperimentPage from "./experiments/ExperimentPage";
import { ListPage } from "./pipelines/ListPage";
import RunPage from "./run/RunPage";
import SharedPage from "./team/SharedPage";
import TokensPage from "./data/tokens/TokensPage";
import WorkspaceSettingsPage from "./team/WorkspaceSettingsPage";
import { Toasts } from "./shared/ui/Toasts";

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
