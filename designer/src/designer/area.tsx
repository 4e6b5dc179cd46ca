import { lazy, Suspense } from "react";
import type { Area } from "../app/area";
import { Loading } from "../shared/components";

// The editor, the graph and its layout engine are large: loaded when the designer opens, not with the workbench.
const Designer = lazy(() => import("./Designer").then((m) => ({ default: m.Designer })));

const designer = { to: "designer", label: "Designer" };

/**
 * The designer (issue 16): a protocol's text with the compiler's diagnostics, its workflow graphs edited as text, the
 * criteria previewed over a study, drafts saved. Designers land here, and also read the workbench's protocol pages.
 */
export const designerArea: Area = {
  id: "designer",
  routes: [{ path: "designer", element: <Suspense fallback={<Loading what="the designer" />}><Designer /></Suspense> }],
  nav: {
    Designer: [designer, { to: "protocol", label: "Protocol" }, { to: "amendments", label: "Amendment diff" }],
    Admin: [designer],
  },
};
