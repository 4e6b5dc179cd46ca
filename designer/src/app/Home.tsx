import { Link, Navigate } from "react-router";
import { get } from "../shared/api";
import { Loading, Problem } from "../shared/components";
import type { StudyView } from "../shared/types";
import { useLoad } from "../shared/useLoad";
import { landingFor } from "./roles";
import { useSession } from "./session";

/** After sign-in: straight to the main page of the person's role in their study, or a choice of studies. */
export function Home() {
  const { me, loading, rolesIn } = useSession();
  const studies = useLoad(() => (me ? get<StudyView[]>("/api/studies") : Promise.resolve([])), [me?.id]);
  if (loading) return <main id="main"><Loading what="your session" /></main>;
  if (!me) return <Navigate to="/signin" replace />;
  if (studies.loading) return <main id="main"><Loading what="your studies" /></main>;
  const list = studies.data ?? [];
  if (list.length === 1) return <Navigate to={`/s/${list[0].id}/${landingFor(rolesIn(list[0].id))}`} replace />;
  return (
    <main id="main">
      <h1>Your studies</h1>
      <Problem error={studies.error} />
      {list.length === 0 ? <p>You hold no role in any study yet; an administrator assigns roles.</p> : null}
      <ul>
        {list.map((s) => (
          <li key={s.id}><Link to={`/s/${s.id}/${landingFor(rolesIn(s.id))}`}>{s.title}</Link> ({s.id}, protocol {s.protocol.id})</li>
        ))}
      </ul>
    </main>
  );
}
