import type { Area } from "../app/area";
import { DataQuality } from "./data/DataQuality";
import { Inbox } from "./investigator/Inbox";
import { Subject } from "./investigator/Subject";
import { Amendments } from "./regulator/Amendments";
import { Evidence } from "./regulator/Evidence";
import { Journal } from "./regulator/Journal";
import { ProtocolView } from "./regulator/ProtocolView";
import { AdverseEvents } from "./safety/AdverseEvents";
import { Overview } from "./study/Overview";

const inbox = { to: "inbox", label: "Inbox" };
const safety = { to: "safety", label: "Adverse events" };
const data = { to: "data", label: "Data quality" };
const protocol = { to: "protocol", label: "Protocol" };
const amendments = { to: "amendments", label: "Amendment diff" };
const journal = { to: "journal", label: "Journal and signatures" };
const evidence = { to: "evidence", label: "Evidence pack" };

/** The workbench: where investigators, safety physicians, data managers, monitors and regulators work in a study. */
export const workbenchArea: Area = {
  id: "workbench",
  routes: [
    { index: true, element: <Overview /> },
    { path: "inbox", element: <Inbox /> },
    { path: "subjects/:subjectId", element: <Subject /> },
    { path: "safety", element: <AdverseEvents /> },
    { path: "data", element: <DataQuality /> },
    { path: "protocol", element: <ProtocolView /> },
    { path: "amendments", element: <Amendments /> },
    { path: "journal", element: <Journal /> },
    { path: "evidence", element: <Evidence /> },
  ],
  // Each role's main page first: where it lands after sign-in.
  nav: {
    Investigator: [inbox],
    SafetyPhysician: [safety, inbox],
    DataManager: [data, inbox],
    Monitor: [data, protocol, journal],
    Regulator: [protocol, amendments, journal, evidence],
    Admin: [inbox, safety, data, protocol, amendments, journal, evidence],
  },
};
