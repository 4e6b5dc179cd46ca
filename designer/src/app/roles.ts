// What each role sees: its pages and where it lands after sign-in. The designer section (issue 16) adds its own
// entries here beside the workbench's.

export interface NavItem { to: string; label: string }

const pages: Record<string, NavItem[]> = {
  Investigator: [{ to: "inbox", label: "Inbox" }],
  SafetyPhysician: [{ to: "safety", label: "Adverse events" }, { to: "inbox", label: "Inbox" }],
  DataManager: [{ to: "data", label: "Data quality" }, { to: "inbox", label: "Inbox" }],
  Monitor: [{ to: "data", label: "Data quality" }, { to: "protocol", label: "Protocol" }, { to: "journal", label: "Journal" }],
  Regulator: [{ to: "protocol", label: "Protocol" }, { to: "amendments", label: "Amendment diff" }, { to: "journal", label: "Journal and signatures" }, { to: "evidence", label: "Evidence pack" }],
  Admin: [{ to: "inbox", label: "Inbox" }, { to: "safety", label: "Adverse events" }, { to: "data", label: "Data quality" }, { to: "protocol", label: "Protocol" }, { to: "amendments", label: "Amendment diff" }, { to: "journal", label: "Journal and signatures" }, { to: "evidence", label: "Evidence pack" }],
  Designer: [{ to: "protocol", label: "Protocol" }, { to: "amendments", label: "Amendment diff" }],
};

/** The pages of a person's roles, in order, without repeats; the study overview first. */
export function navFor(roles: string[]): NavItem[] {
  const seen = new Set<string>();
  const items: NavItem[] = [{ to: "", label: "Overview" }];
  for (const role of roles) for (const item of pages[role] ?? []) if (!seen.has(item.to)) { seen.add(item.to); items.push(item); }
  return items;
}

/** Where a person lands: the main page of their first role. */
export function landingFor(roles: string[]): string {
  const order = ["Investigator", "SafetyPhysician", "DataManager", "Regulator", "Monitor", "Admin", "Designer"];
  const role = order.find((r) => roles.includes(r));
  return role ? pages[role][0].to : "";
}

export const roleLabel: Record<string, string> = {
  Investigator: "Investigator", SafetyPhysician: "Safety physician", DataManager: "Data manager", Monitor: "Monitor", Regulator: "Regulator", Admin: "Administrator", Designer: "Designer",
};

/** The workflow roles a person's study roles act as (the server's Roles.WorkflowRoles): who may take a task. */
export function workflowRoles(roles: string[]): Set<string> {
  const map: Record<string, string[]> = { Investigator: ["Investigator", "SubInvestigator"], SafetyPhysician: ["SafetyPhysician", "MedicalMonitor"], Admin: ["Admin", "SiteManager"] };
  return new Set(roles.flatMap((r) => map[r] ?? [r]));
}
