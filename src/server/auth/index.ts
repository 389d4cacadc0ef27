// Placeholder until the auth module lands: nobody is signed in.
export async function auth(): Promise<{ user?: { id?: string } } | null> {
  return null;
}
