import { createHashRouter, RouterProvider } from "react-router";
import { areas } from "./areas";
import { Home } from "./Home";
import { PageError } from "./PageError";
import { StudyLayout } from "./Layout";
import { SessionProvider } from "./session";
import { SignIn } from "./SignIn";

// One router for the whole app: every area's pages inside a study, under one layout (the study, protocol version and
// hash on top). Hash routes, so `protocol serve` serves one index.html for every page.
const router = createHashRouter([
  { path: "/signin", element: <SignIn />, errorElement: <PageError /> },
  { path: "/", element: <Home />, errorElement: <PageError /> },
  { path: "/s/:studyId", element: <StudyLayout />, errorElement: <PageError />, children: areas.flatMap((a) => a.routes) },
]);

export function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
