import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { ApiError, get, post, setCsrf } from "../shared/api";
import type { LoginAnswer, Me } from "../shared/types";

interface Session {
  me: Me | null;
  loading: boolean;
  signIn(userName: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** The roles the person holds in a study (roles held in every study included). */
  rolesIn(studyId: string): string[];
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    // A reload keeps the session cookie: ask who we are and take a fresh antiforgery token.
    (async () => {
      try {
        const who = await get<Me>("/api/auth/me");
        const csrf = await get<{ csrfToken: string }>("/api/auth/csrf");
        setCsrf(csrf.csrfToken);
        setMe(who);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      } finally {
        setLoading(false);
      }
    })();
  }, []);

  const signIn = useCallback(async (userName: string, password: string) => {
    const answer = await post<LoginAnswer>("/api/auth/login", { userName, password });
    setCsrf(answer.csrfToken);
    setMe(await get<Me>("/api/auth/me"));
  }, []);

  const signOut = useCallback(async () => {
    try {
      await post("/api/auth/logout");
    } finally {
      setCsrf(null);
      setMe(null);
    }
  }, []);

  const rolesIn = useCallback(
    (studyId: string) => [...new Set((me?.memberships ?? []).filter((m) => m.studyId === studyId || m.studyId === "*").map((m) => m.role))],
    [me],
  );

  return <SessionContext.Provider value={{ me, loading, signIn, signOut, rolesIn }}>{children}</SessionContext.Provider>;
}
