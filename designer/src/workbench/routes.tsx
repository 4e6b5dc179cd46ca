import type { RouteObject } from "react-router";
import { DataQuality } from "./data/DataQuality";
import { Inbox } from "./investigator/Inbox";
import { Subject } from "./investigator/Subject";
import { Amendments } from "./regulator/Amendments";
import { Evidence } from "./regulator/Evidence";
import { Journal } from "./regulator/Journal";
import { ProtocolView } from "./regulator/ProtocolView";
import { AdverseEvents } from "./safety/AdverseEvents";
import { Overview } from "./study/Overview";

/** The workbench's pages inside a study (paths relative to /s/:studyId). */
export const workbenchRoutes: RouteObject[] = [
  { index: true, element: <Overview /> },
  { path: "inbox", element: <Inbox /> },
  { path: "subjects/:subjectId", element: <Subject /> },
  { path: "safety", element: <AdverseEvents /> },
  { path: "data", element: <DataQuality /> },
  { path: "protocol", element: <ProtocolView /> },
  { path: "amendments", element: <Amendments /> },
  { path: "journal", element: <Journal /> },
  { path: "evidence", element: <Evidence /> },
];
