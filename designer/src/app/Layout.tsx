import { createContext, useContext } from "react";
import { NavLink, Navigate, Outlet, useNavigate, useParams } from "react-router";
import { get } from "../shared/api";
import { Hash, Loading, Problem } from "../shared/components";
import type { StudyView } from "../shared/types";
import { useLoad } from "../shared/useLoad";
import { navFor, roleLabel } from "./roles";
import { useSession } from "./session";

interface StudyContextValue { study: StudyView; roles: string[]; readOnly: boolean }
const StudyContext = createContext<StudyContextValue | null>(null);

export function useStudy(): StudyContextValue {
  const s = useContext(StudyContext);
  if (!s) throw new Error("useStudy outside the study layout");
  return s;
}

/** Every page of a study: the study, its protocol version and hash on top, the pages of the person's roles beside. */
export function StudyLayout() {
  const { studyId = "" } = useParams();
  const { me, rolesIn, signOut } = useSession();
  const navigate = useNavigate();
  const studies = useLoad(() => get<StudyView[]>("/api/studies"), [studyId]);
  if (!me) return <Navigate to="/signin" replace />;
  const roles = rolesIn(studyId);
  const study = studies.data?.find((s) => s.id === studyId);
  // A regulator changes nothing (the server refuses it too); a monitor answers the data queries routed to monitors.
  const readOnly = roles.length > 0 && roles.every((r) => r === "Regulator");
  return (
    <>
      <a href="#main" className="skip">Skip to content</a>
      <header className="top" role="banner">
        <div className="brand">ProtocolEngine workbench</div>
        {study ? (
          <dl className="study-line" aria-label="Study">
            <div><dt>Study</dt><dd>{study.title} ({study.id})</dd></div>
            <div><dt>Protocol</dt><dd>{study.protocol.name} version {study.protocol.version} ({study.protocol.id})</dd></div>
            <div><dt>Hash</dt><dd><Hash value={study.protocol.contentHash} /></dd></div>
          </dl>
        ) : null}
        <div className="who">
          <span>{me.displayName} · {roles.map((r) => roleLabel[r] ?? r).join(", ") || "no role here"}{readOnly ? " · read-only" : ""}</span>
          <button type="button" className="secondary" onClick={async () => { await signOut(); navigate("/signin"); }}>Sign out</button>
        </div>
      </header>
      <nav aria-label="Pages" className="side">
        <ul>
          {navFor(roles).map((n) => (
            <li key={n.to}><NavLink to={`/s/${studyId}/${n.to}`} end={n.to === ""}>{n.label}</NavLink></li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {studies.loading ? <Loading what="the study" /> : null}
        <Problem error={studies.error} />
        {studies.data && !study ? <p role="alert">You hold no role in study {studyId}.</p> : null}
        {study ? (
          <StudyContext.Provider value={{ study, roles, readOnly }}>
            <Outlet />
          </StudyContext.Provider>
        ) : null}
      </main>
    </>
  );
}
