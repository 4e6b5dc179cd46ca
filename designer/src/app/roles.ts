// Study roles: what each sees (from the areas' navigation), where it lands after sign-in, and how it is named.
import type { NavItem } from "./area";
import { areas } from "./areas";

/** The pages of a person's roles across every area, in order, without repeats; the study overview first. */
export function navFor(roles: string[]): NavItem[] {
  const seen = new Set<string>();
  const items: NavItem[] = [{ to: "", label: "Overview" }];
  for (const area of areas)
    for (const role of roles)
      for (const item of area.nav[role] ?? []) if (!seen.has(item.to)) { seen.add(item.to); items.push(item); }
  return items;
}

/** Where a person lands: the main page of their first role (in this order), or the study overview. */
export function landingFor(roles: string[]): string {
  const order = ["Investigator", "SafetyPhysician", "DataManager", "Regulator", "Monitor", "Admin", "Designer"];
  for (const role of order.filter((r) => roles.includes(r)))
    for (const area of areas) {
      const first = area.nav[role]?.[0];
      if (first) return first.to;
    }
  return "";
}

export const roleLabel: Record<string, string> = {
  Investigator: "Investigator", SafetyPhysician: "Safety physician", DataManager: "Data manager", Monitor: "Monitor", Regulator: "Regulator", Admin: "Administrator", Designer: "Designer",
};

/** The workflow roles a person's study roles act as (the server's Roles.WorkflowRoles): who may take a task. */
export function workflowRoles(roles: string[]): Set<string> {
  const map: Record<string, string[]> = { Investigator: ["Investigator", "SubInvestigator"], SafetyPhysician: ["SafetyPhysician", "MedicalMonitor"], Admin: ["Admin", "SiteManager"] };
  return new Set(roles.flatMap((r) => map[r] ?? [r]));
}
