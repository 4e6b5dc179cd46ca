import type { RouteObject } from "react-router";

/** A page in the navigation beside a study's pages. */
export interface NavItem { to: string; label: string }

/**
 * One area of the app: its pages inside a study (routes relative to /s/:studyId) and which of them each role sees, in
 * the order they appear. The workbench is one area; the protocol designer (issue 16) is another, added to `areas`
 * in app/areas.ts without touching the workbench's files.
 */
export interface Area {
  /** A short name (also the prefix of the area's paths, except the workbench's, which came first). */
  id: string;
  routes: RouteObject[];
  /** Per study role: the area's pages that role sees; a role's first page of the first area is where it lands. */
  nav: Partial<Record<string, NavItem[]>>;
}
