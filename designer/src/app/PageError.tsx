import { Link, isRouteErrorResponse, useRouteError } from "react-router";

/** What a person sees when a page fails: what happened in a sentence, and a way back (never a blank page). */
export function PageError() {
  const error = useRouteError();
  const text = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : String(error);
  return (
    <main id="main" className="signin">
      <h1>This page failed</h1>
      <p role="alert" className="problem">{text}</p>
      <p>Nothing was changed by showing it. <Link to="/">Back to your studies</Link>, or reload the page.</p>
    </main>
  );
}
