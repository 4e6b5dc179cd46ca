import { createHashRouter, RouterProvider } from "react-router";
import { Home } from "./Home";
import { StudyLayout } from "./Layout";
import { SessionProvider } from "./session";
import { SignIn } from "./SignIn";
import { workbenchRoutes } from "../workbench/routes";

// One router for the whole app: the workbench's pages per study now; the designer (issue 16) adds its routes beside
// them under the same layout. Hash routes, so `protocol serve` serves one index.html for every page.
const router = createHashRouter([
  { path: "/signin", element: <SignIn /> },
  { path: "/", element: <Home /> },
  { path: "/s/:studyId", element: <StudyLayout />, children: [...workbenchRoutes] },
]);

export function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
