import { useState, type FormEvent } from "react";
import { Navigate, useNavigate } from "react-router";
import { Problem } from "../shared/components";
import { useSession } from "./session";

export function SignIn() {
  const { me, signIn } = useSession();
  const navigate = useNavigate();
  const [userName, setUserName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to="/" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(userName, password);
      navigate("/");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="signin">
      <h1>ProtocolEngine workbench</h1>
      <p>Sign in with your account. People make the clinical decisions; the engine proposes.</p>
      <form onSubmit={submit} className="card">
        <label htmlFor="user">User name</label>
        <input id="user" autoComplete="username" value={userName} onChange={(e) => setUserName(e.target.value)} required autoFocus />
        <label htmlFor="password">Password</label>
        <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <Problem error={error} />
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}
