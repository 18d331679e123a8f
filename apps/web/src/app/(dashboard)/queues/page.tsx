import type { Metadata } from "next";
import { QueuesPage } from "../../../features/queues/queues-page.tsx";

export const metadata: Metadata = { title: "Queues" };

interface Props {
  searchParams: Promise<{ queue?: string | string[] }>;
}

/** `/queues` shows every queue and peeks the first; `/queues?queue=NAME` peeks that one. */
export default async function Page({ searchParams }: Props) {
  const { queue } = await searchParams;
  return <QueuesPage selected={(Array.isArray(queue) ? queue[0] : queue) ?? null} />;
}
