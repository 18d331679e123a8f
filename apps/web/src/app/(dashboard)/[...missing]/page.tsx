import { notFound } from "next/navigation";

/** Any URL no page claims: the dashboard's 404 (`not-found.tsx`), inside the app shell with its navigation. */
export default function MissingPage(): never {
  notFound();
}
