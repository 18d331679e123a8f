/**
 * The context-quality plans. Each plan has a target task whose prompt needs a handful of facts (`gold`);
 * the facts sit deep inside long outputs of its `requires` upstreams, in outputs of siblings it has no
 * link to, and in plan documents. `distractors` are facts of the same shape (numbers, names, dates) about
 * things the prompt does not ask for: they measure precision. Sources are padded with filler written from
 * the plan's own vocabulary (`nouns`), so that query terms occur everywhere and only the right sentences
 * answer the question. Keys are short exact strings that occur once, in their sentence only.
 *
 * Source ids: `up0`, `up1`… are the target's requires upstreams; `sib0`… siblings it does not link to;
 * `doc0`… plan documents.
 */

export type SourceId = `up${number}` | `sib${number}` | `doc${number}`;

export interface QualityFact {
  in: SourceId;
  sentence: string;
  key: string;
}

export interface QualityPlan {
  slug: string;
  index: string;
  /** Vocabulary of the filler text. */
  nouns: string[];
  upstreams: Array<{ key: string; name: string }>;
  siblings: Array<{ key: string; name: string }>;
  documents: Array<{ key: string; title: string }>;
  target: { key: string; name: string; prompt: string };
  gold: QualityFact[];
  distractors: QualityFact[];
  notes?: Record<string, string>;
}

const f = (where: SourceId, sentence: string, key: string): QualityFact => ({ in: where, sentence, key });

export const QUALITY_PLANS: QualityPlan[] = [
  {
    slug: "pricing-brief",
    index: "# INDEX\nPricing review for the subscription product, ending in a brief for the board.",
    nouns: ["pricing", "plan", "churn", "dashboard", "customer", "survey", "revenue"],
    upstreams: [
      { key: "analyse-churn", name: "Analyse churn" },
      { key: "survey-results", name: "Survey results" },
    ],
    siblings: [{ key: "legal-review", name: "Legal review" }],
    documents: [{ key: "terms", title: "Terms of service" }],
    target: {
      key: "board-brief",
      name: "Board brief",
      prompt:
        "Write the pricing brief for the board: the churn rate after the price change, the share of surveyed customers who found the new price fair, the notice period customers must be given, and the refund window.",
    },
    gold: [
      f(
        "up0",
        "After the March price change, monthly churn rose to 4.7% and stayed there for two months.",
        "4.7%",
      ),
      f("up1", "Asked whether the new price was fair, 62% of surveyed customers said yes.", "62%"),
      f(
        "sib0",
        "Counsel confirmed that customers must receive 30 days of notice before any price change.",
        "30 days of notice",
      ),
      f(
        "doc0",
        "Refunds are available within a 14-day refund window after each renewal.",
        "14-day refund window",
      ),
    ],
    distractors: [
      f("up0", "The dashboard migration cost 11 engineering days.", "11 engineering days"),
      f("up1", "The survey invitation email had an open rate of 38%.", "open rate of 38%"),
      f("doc0", "The company is registered in Delaware.", "registered in Delaware"),
    ],
  },
  {
    slug: "incident-postmortem",
    index: "# INDEX\nPostmortem of the checkout outage, from the timeline to the follow-up actions.",
    nouns: ["incident", "checkout", "database", "alert", "deploy", "timeline", "service"],
    upstreams: [
      { key: "timeline", name: "Build the timeline" },
      { key: "root-cause", name: "Root-cause analysis" },
    ],
    siblings: [{ key: "customer-impact", name: "Customer impact" }],
    documents: [{ key: "sla", title: "Service level agreement" }],
    target: {
      key: "postmortem",
      name: "Write the postmortem",
      prompt:
        "Write the checkout outage postmortem: how long the outage lasted, the root cause, how many orders failed, and what the SLA promises for monthly availability.",
    },
    gold: [
      f("up0", "Checkout was fully unavailable for 47 minutes, from 14:02 to 14:49 UTC.", "47 minutes"),
      f(
        "up1",
        "The root cause was a connection pool limit of 20 on the payments database, exhausted by a retry storm.",
        "connection pool limit of 20",
      ),
      f(
        "sib0",
        "In total 3,812 orders failed during the outage and had to be retried by customers.",
        "3,812 orders",
      ),
      f(
        "doc0",
        "The SLA promises 99.95% monthly availability for the checkout service.",
        "99.95% monthly availability",
      ),
    ],
    distractors: [
      f("up0", "The on-call engineer acknowledged an unrelated disk alert at 09:15.", "09:15"),
      f("up1", "The logging cluster was upgraded to version 8.2 the week before.", "version 8.2"),
      f("sib0", "Support answered 140 tickets about newsletter formatting that week.", "140 tickets"),
    ],
  },
  {
    slug: "hiring-plan",
    index: "# INDEX\nEngineering hiring plan for next year.",
    nouns: ["hiring", "candidate", "interview", "role", "team", "offer", "recruiter"],
    upstreams: [
      { key: "headcount", name: "Headcount model" },
      { key: "pipeline", name: "Pipeline review" },
    ],
    siblings: [{ key: "comp-bands", name: "Compensation bands" }],
    documents: [{ key: "policy", title: "Hiring policy" }],
    target: {
      key: "hiring-plan",
      name: "Hiring plan",
      prompt:
        "Draft the hiring plan: how many engineers we will hire next year, the offer acceptance rate, the salary band for senior engineers, and how many interview rounds the policy allows.",
    },
    gold: [
      f(
        "up0",
        "The model supports hiring 18 engineers next year, front-loaded into the first half.",
        "18 engineers",
      ),
      f("up1", "Our offer acceptance rate over the last two quarters was 71%.", "71%"),
      f("sib0", "The salary band for senior engineers is €85,000 to €105,000.", "€85,000 to €105,000"),
      f("doc0", "The policy allows at most four interview rounds per candidate.", "four interview rounds"),
    ],
    distractors: [
      f("up0", "The finance team uses a 3% inflation assumption for travel.", "3% inflation"),
      f("up1", "Recruiters attended 6 university fairs.", "6 university fairs"),
      f("doc0", "Interview rooms must be booked 2 days ahead.", "booked 2 days ahead"),
    ],
  },
  {
    slug: "cloud-costs",
    index: "# INDEX\nQuarterly review of cloud spending with savings proposals.",
    nouns: ["cloud", "cost", "instance", "storage", "cluster", "budget", "workload"],
    upstreams: [
      { key: "bill-analysis", name: "Bill analysis" },
      { key: "rightsizing", name: "Rightsizing study" },
    ],
    siblings: [{ key: "storage-audit", name: "Storage audit" }],
    documents: [{ key: "contract", title: "Cloud contract" }],
    target: {
      key: "cost-report",
      name: "Cost report",
      prompt:
        "Report on cloud costs: the total monthly cloud bill, the savings rightsizing would bring, how much storage is orphaned, and the committed-use discount in the contract.",
    },
    gold: [
      f("up0", "The total monthly cloud bill in September was $184,300.", "$184,300"),
      f("up1", "Rightsizing the batch cluster would save about $22,000 per month.", "$22,000 per month"),
      f("sib0", "The audit found 41 TB of orphaned storage volumes with no owner.", "41 TB"),
      f("doc0", "The contract grants a committed-use discount of 28% on compute.", "28%"),
    ],
    distractors: [
      f("up0", "The office internet line costs $900 per month.", "$900 per month"),
      f("up1", "The study looked at 340 dashboards in the monitoring tool.", "340 dashboards"),
      f("sib0", "The audit team had 3 members.", "3 members"),
    ],
  },
  {
    slug: "product-launch",
    index: "# INDEX\nLaunch plan for the Orbit mobile app.",
    nouns: ["launch", "campaign", "app", "press", "channel", "audience", "store"],
    upstreams: [
      { key: "positioning", name: "Positioning" },
      { key: "channel-plan", name: "Channel plan" },
    ],
    siblings: [{ key: "beta-feedback", name: "Beta feedback" }],
    documents: [{ key: "brand", title: "Brand guidelines" }],
    target: {
      key: "launch-brief",
      name: "Launch brief",
      prompt:
        "Write the Orbit launch brief: the launch date, the paid campaign budget, the beta rating from testers, and the brand colour to use.",
    },
    gold: [
      f("up0", "Orbit launches on 14 October in the app stores of six countries.", "14 October"),
      f("up1", "The paid campaign budget is $120,000 across social and search.", "$120,000"),
      f("sib0", "Beta testers rated Orbit 4.6 out of 5 on average.", "4.6 out of 5"),
      f("doc0", "The primary brand colour is Orbit Teal, hex #0F9D8A.", "#0F9D8A"),
    ],
    distractors: [
      f("up0", "The team photo shoot is planned for 2 September.", "2 September"),
      f("up1", "The agency charges $150 per hour for extra revisions.", "$150 per hour"),
      f("doc0", "The logo must keep a clear space of 12 px.", "12 px"),
    ],
  },
  {
    slug: "clinical-summary",
    index: "# INDEX\nSummary of the phase II trial for the safety board.",
    nouns: ["trial", "patient", "dose", "endpoint", "site", "protocol", "adverse"],
    upstreams: [
      { key: "efficacy", name: "Efficacy analysis" },
      { key: "safety", name: "Safety analysis" },
    ],
    siblings: [{ key: "enrolment", name: "Enrolment report" }],
    documents: [{ key: "protocol", title: "Trial protocol" }],
    target: {
      key: "board-summary",
      name: "Safety board summary",
      prompt:
        "Summarize the trial for the safety board: the primary endpoint result, the rate of serious adverse events, how many patients were enrolled, and the maximum dose in the protocol.",
    },
    gold: [
      f(
        "up0",
        "The primary endpoint was met, with a 31% reduction in symptom score versus placebo.",
        "31% reduction",
      ),
      f("up1", "Serious adverse events occurred in 2.4% of patients on the drug.", "2.4% of patients"),
      f("sib0", "Enrolment closed with 412 patients across 19 sites.", "412 patients"),
      f("doc0", "The protocol caps the dose at 200 mg per day.", "200 mg per day"),
    ],
    distractors: [
      f("up0", "The statistical software was updated to release 4.3.", "release 4.3"),
      f("sib0", "Site coordinators held 12 training calls.", "12 training calls"),
      f("doc0", "Sample tubes are stored at minus 80 degrees.", "minus 80 degrees"),
    ],
  },
  {
    slug: "supply-chain",
    index: "# INDEX\nSupplier risk review for the hardware line.",
    nouns: ["supplier", "shipment", "inventory", "factory", "lead", "order", "component"],
    upstreams: [
      { key: "supplier-scores", name: "Supplier scores" },
      { key: "inventory", name: "Inventory review" },
    ],
    siblings: [{ key: "logistics", name: "Logistics update" }],
    documents: [{ key: "msa", title: "Master supply agreement" }],
    target: {
      key: "risk-memo",
      name: "Risk memo",
      prompt:
        "Write the supplier risk memo: which supplier has the lowest on-time delivery, how many weeks of chip inventory remain, the current sea freight lead time, and the penalty for late delivery in the agreement.",
    },
    gold: [
      f(
        "up0",
        "Kestrel Components has the lowest on-time delivery, at 78% this quarter.",
        "Kestrel Components",
      ),
      f("up1", "We hold 9 weeks of chip inventory at the current build rate.", "9 weeks"),
      f("sib0", "Sea freight lead time from Shenzhen is now 38 days door to door.", "38 days"),
      f(
        "doc0",
        "Late delivery carries a penalty of 1.5% of the order value per week.",
        "1.5% of the order value",
      ),
    ],
    distractors: [
      f("up0", "Supplier scorecards are reviewed every 90 days.", "every 90 days"),
      f("up1", "The warehouse repainting took 5 days.", "5 days"),
      f("doc0", "Notices must be sent to the Rotterdam office.", "Rotterdam office"),
    ],
  },
  {
    slug: "app-release",
    index: "# INDEX\nRelease readiness for version 5 of the mobile app.",
    nouns: ["release", "build", "crash", "test", "feature", "device", "version"],
    upstreams: [
      { key: "qa-report", name: "QA report" },
      { key: "performance", name: "Performance tests" },
    ],
    siblings: [{ key: "store-review", name: "Store review notes" }],
    documents: [{ key: "release-policy", title: "Release policy" }],
    target: {
      key: "go-no-go",
      name: "Go/no-go note",
      prompt:
        "Write the go/no-go note for version 5: the crash-free session rate, the cold start time, how many blocking bugs remain, and the staged rollout percentage the policy requires on day one.",
    },
    gold: [
      f("up0", "Three blocking bugs remain open, all in the offline sync feature.", "Three blocking bugs"),
      f("up1", "Median cold start time is 1.8 seconds on mid-range Android devices.", "1.8 seconds"),
      f("sib0", "The beta channel shows a crash-free session rate of 99.6%.", "99.6%"),
      f("doc0", "Day one of a staged rollout must not exceed 5% of users.", "5% of users"),
    ],
    distractors: [
      f("up0", "The QA lab received 14 new test devices.", "14 new test devices"),
      f("up1", "The performance suite takes 26 minutes to run.", "26 minutes"),
      f("doc0", "Release notes are written in 9 languages.", "9 languages"),
    ],
  },
  {
    slug: "data-migration",
    index: "# INDEX\nMigration of the customer database to the new cluster.",
    nouns: ["migration", "table", "schema", "cluster", "replica", "downtime", "cutover"],
    upstreams: [
      { key: "inventory-tables", name: "Table inventory" },
      { key: "dry-run", name: "Migration dry run" },
    ],
    siblings: [{ key: "backup-check", name: "Backup check" }],
    documents: [{ key: "runbook", title: "Cutover runbook" }],
    target: {
      key: "cutover-plan",
      name: "Cutover plan",
      prompt:
        "Write the cutover plan: how many tables migrate, how long the dry run copy took, the size of the last verified backup, and the maximum downtime the runbook allows.",
    },
    gold: [
      f("up0", "In total 1,246 tables migrate; 37 of them are partitioned.", "1,246 tables"),
      f("up1", "The dry run copied everything in 6 hours 40 minutes.", "6 hours 40 minutes"),
      f("sib0", "The last verified backup is 2.3 TB and restored cleanly.", "2.3 TB"),
      f("doc0", "The runbook allows at most 30 minutes of write downtime.", "30 minutes of write downtime"),
    ],
    distractors: [
      f("up0", "Table names follow the snake_case convention since 2019.", "since 2019"),
      f("up1", "The dry run used 64 vCPUs on the staging host.", "64 vCPUs"),
      f("doc0", "The runbook was last reviewed by Helga Novak.", "Helga Novak"),
    ],
  },
  {
    slug: "support-review",
    index: "# INDEX\nQuarterly customer support review.",
    nouns: ["ticket", "support", "agent", "queue", "customer", "response", "escalation"],
    upstreams: [
      { key: "ticket-stats", name: "Ticket statistics" },
      { key: "csat", name: "Satisfaction survey" },
    ],
    siblings: [{ key: "staffing", name: "Staffing model" }],
    documents: [{ key: "support-policy", title: "Support policy" }],
    target: {
      key: "support-review",
      name: "Support review",
      prompt:
        "Write the quarterly support review: the median first response time, the customer satisfaction score, how many agents we need next quarter, and the response target for urgent tickets in the policy.",
    },
    gold: [
      f("up0", "Median first response time fell to 3 hours 12 minutes this quarter.", "3 hours 12 minutes"),
      f("up1", "The customer satisfaction score reached 88 out of 100.", "88 out of 100"),
      f("sib0", "The staffing model says we need 26 agents next quarter.", "26 agents"),
      f("doc0", "Urgent tickets must get a response within 1 hour, day or night.", "within 1 hour"),
    ],
    distractors: [
      f("up0", "The ticket tool added 4 new tag colours.", "4 new tag colours"),
      f("up1", "The survey closed on a Friday at 17:00.", "17:00"),
      f("sib0", "The team lunch budget is $25 per person.", "$25 per person"),
    ],
  },
  {
    slug: "contract-review",
    index: "# INDEX\nReview of the Northwind reseller contract before renewal.",
    nouns: ["contract", "clause", "renewal", "reseller", "liability", "term", "party"],
    upstreams: [
      { key: "clause-summary", name: "Clause summary" },
      { key: "risk-review", name: "Risk review" },
    ],
    siblings: [{ key: "commercials", name: "Commercial terms" }],
    documents: [{ key: "playbook", title: "Negotiation playbook" }],
    target: {
      key: "renewal-memo",
      name: "Renewal memo",
      prompt:
        "Write the renewal memo for the Northwind contract: the liability cap, the auto-renewal notice period, the reseller margin, and the playbook's walk-away point on payment terms.",
    },
    gold: [
      f("up0", "Liability is capped at twice the fees paid in the prior 12 months.", "twice the fees paid"),
      f(
        "up1",
        "The contract renews automatically unless notice is given 90 days before the end of the term.",
        "90 days before the end",
      ),
      f("sib0", "Northwind keeps a reseller margin of 22% on list price.", "22% on list price"),
      f("doc0", "Our walk-away point is payment terms longer than net 60.", "net 60"),
    ],
    distractors: [
      f("up0", "The contract is written in English and has 41 pages.", "41 pages"),
      f("up1", "The review meeting took place in Lyon.", "Lyon"),
      f("doc0", "The playbook was written in 2021.", "written in 2021"),
    ],
  },
  {
    slug: "conference",
    index: "# INDEX\nPlanning the annual user conference.",
    nouns: ["conference", "venue", "speaker", "session", "ticket", "sponsor", "attendee"],
    upstreams: [
      { key: "venue-search", name: "Venue search" },
      { key: "budget", name: "Event budget" },
    ],
    siblings: [{ key: "speakers", name: "Speaker outreach" }],
    documents: [{ key: "sponsorship", title: "Sponsorship prospectus" }],
    target: {
      key: "plan-summary",
      name: "Conference plan summary",
      prompt:
        "Summarize the conference plan: the chosen venue and its capacity, the early-bird ticket price, the keynote speaker, and the price of a gold sponsorship.",
    },
    gold: [
      f("up0", "The chosen venue is the Harbour Hall in Lisbon, with a capacity of 1,200.", "Harbour Hall"),
      f("up1", "Early-bird tickets are priced at €349 until the end of May.", "€349"),
      f("sib0", "Dr. Amara Okafor accepted the invitation to give the opening keynote.", "Amara Okafor"),
      f("doc0", "A gold sponsorship costs €25,000 and includes a booth.", "€25,000"),
    ],
    distractors: [
      f("up0", "The venue's parking garage has 300 spaces.", "300 spaces"),
      f("up1", "Lanyards cost €0.80 each.", "€0.80 each"),
      f("doc0", "Bronze sponsors get 2 free passes.", "2 free passes"),
    ],
  },
  {
    slug: "energy-audit",
    index: "# INDEX\nEnergy audit of the Riverside office building.",
    nouns: ["energy", "building", "heating", "lighting", "meter", "consumption", "audit"],
    upstreams: [
      { key: "meter-data", name: "Meter data analysis" },
      { key: "heating-study", name: "Heating study" },
    ],
    siblings: [{ key: "lighting-survey", name: "Lighting survey" }],
    documents: [{ key: "regulation", title: "Energy regulation" }],
    target: {
      key: "audit-report",
      name: "Audit report",
      prompt:
        "Write the energy audit report: the building's annual electricity consumption, the payback period of the heat pump, the share of lighting that is still fluorescent, and the efficiency rating the regulation requires by 2030.",
    },
    gold: [
      f("up0", "Annual electricity consumption was 1.42 GWh, down 6% on last year.", "1.42 GWh"),
      f("up1", "A heat pump retrofit would pay back in 7.5 years at current prices.", "7.5 years"),
      f("sib0", "About 64% of the lighting is still fluorescent tubes.", "64%"),
      f("doc0", "Offices must reach efficiency rating C by 2030 under the regulation.", "rating C"),
    ],
    distractors: [
      f("up0", "The meter on floor 3 was replaced in April.", "floor 3"),
      f("up1", "The boiler room is 45 square metres.", "45 square metres"),
      f("doc0", "The regulation has 12 annexes.", "12 annexes"),
    ],
  },
  {
    slug: "curriculum",
    index: "# INDEX\nRedesign of the year 9 science curriculum.",
    nouns: ["curriculum", "lesson", "student", "teacher", "unit", "assessment", "science"],
    upstreams: [
      { key: "results-analysis", name: "Results analysis" },
      { key: "teacher-survey", name: "Teacher survey" },
    ],
    siblings: [{ key: "timetable", name: "Timetable constraints" }],
    documents: [{ key: "standards", title: "National standards" }],
    target: {
      key: "proposal",
      name: "Curriculum proposal",
      prompt:
        "Write the curriculum proposal: the pass rate in last year's chemistry assessment, what share of teachers want more practical lessons, how many science lessons per week the timetable allows, and the number of required practicals in the standards.",
    },
    gold: [
      f("up0", "Last year's chemistry assessment had a pass rate of 58%.", "pass rate of 58%"),
      f("up1", "Four in five teachers asked for more practical lessons.", "Four in five teachers"),
      f("sib0", "The timetable allows 5 science lessons per week in year 9.", "5 science lessons per week"),
      f("doc0", "The standards list 8 required practicals for year 9.", "8 required practicals"),
    ],
    distractors: [
      f("up0", "The exam hall holds 220 desks.", "220 desks"),
      f("up1", "The survey had 11 questions.", "11 questions"),
      f("doc0", "The standards were published in March 2024.", "March 2024"),
    ],
  },
  {
    slug: "restaurant-opening",
    index: "# INDEX\nOpening a second restaurant in the old town.",
    nouns: ["restaurant", "menu", "kitchen", "staff", "supplier", "lease", "guest"],
    upstreams: [
      { key: "site-visit", name: "Site visit" },
      { key: "menu-costing", name: "Menu costing" },
    ],
    siblings: [{ key: "permits", name: "Permits" }],
    documents: [{ key: "lease", title: "Lease agreement" }],
    target: {
      key: "opening-plan",
      name: "Opening plan",
      prompt:
        "Write the opening plan: how many covers the dining room seats, the target food cost percentage, when the alcohol licence is expected, and the monthly rent in the lease.",
    },
    gold: [
      f("up0", "The dining room seats 64 covers plus 20 on the terrace.", "64 covers"),
      f("up1", "The menu is costed at a target food cost of 29%.", "29%"),
      f("sib0", "The alcohol licence is expected by 1 March.", "1 March"),
      f("doc0", "Monthly rent is €7,800, fixed for three years.", "€7,800"),
    ],
    distractors: [
      f("up0", "The site visit lasted 2 hours.", "2 hours"),
      f("up1", "The espresso machine costs €6,500.", "€6,500"),
      f("doc0", "The landlord is Casa Vieja Holdings.", "Casa Vieja Holdings"),
    ],
  },
  {
    slug: "grant-proposal",
    index: "# INDEX\nProposal to the Horizon research fund.",
    nouns: ["grant", "research", "proposal", "partner", "budget", "work", "impact"],
    upstreams: [
      { key: "work-plan", name: "Work plan" },
      { key: "budget-draft", name: "Budget draft" },
    ],
    siblings: [{ key: "partners", name: "Partner letters" }],
    documents: [{ key: "call", title: "Call for proposals" }],
    target: {
      key: "proposal",
      name: "Proposal summary",
      prompt:
        "Write the proposal summary: the project duration, the total requested budget, which partner leads the field trials, and the submission deadline in the call.",
    },
    gold: [
      f("up0", "The project runs for 36 months in four work packages.", "36 months"),
      f("up1", "The total requested budget is €2.4 million.", "€2.4 million"),
      f("sib0", "The University of Tartu will lead the field trials.", "University of Tartu"),
      f("doc0", "Proposals must be submitted by 17 April at 17:00 Brussels time.", "17 April"),
    ],
    distractors: [
      f("up0", "Work package meetings happen every 6 weeks.", "every 6 weeks"),
      f("up1", "Travel is estimated at €1,100 per trip.", "€1,100 per trip"),
      f("doc0", "The call expects about 40 proposals.", "40 proposals"),
    ],
  },
  {
    slug: "api-deprecation",
    index: "# INDEX\nDeprecation of the v1 public API.",
    nouns: ["API", "endpoint", "client", "version", "request", "integration", "developer"],
    upstreams: [
      { key: "usage-analysis", name: "Usage analysis" },
      { key: "migration-guide", name: "Migration guide draft" },
    ],
    siblings: [{ key: "partner-calls", name: "Partner calls" }],
    documents: [{ key: "api-policy", title: "API lifecycle policy" }],
    target: {
      key: "announcement",
      name: "Deprecation announcement",
      prompt:
        "Write the v1 API deprecation announcement: how many clients still call v1, the endpoint that has no v2 equivalent yet, which partner asked for an extension, and how long the policy requires between announcement and shutdown.",
    },
    gold: [
      f("up0", "Last month 2,930 distinct clients still called the v1 API.", "2,930 distinct clients"),
      f("up1", "Only the /v1/exports endpoint has no v2 equivalent yet.", "/v1/exports"),
      f("sib0", "Bluefin Logistics asked for a six-month extension.", "Bluefin Logistics"),
      f(
        "doc0",
        "The policy requires 12 months between the announcement and the shutdown.",
        "12 months between",
      ),
    ],
    distractors: [
      f("up0", "The analytics job runs at 02:00 every night.", "02:00"),
      f("up1", "The guide has 7 code samples in Python.", "7 code samples"),
      f("doc0", "Rate limits are reviewed by Jonas Berg.", "Jonas Berg"),
    ],
  },
  {
    slug: "sales-forecast",
    index: "# INDEX\nSales forecast for the next fiscal year.",
    nouns: ["sales", "forecast", "pipeline", "deal", "region", "quota", "account"],
    upstreams: [
      { key: "pipeline-review", name: "Pipeline review" },
      { key: "win-rates", name: "Win-rate analysis" },
    ],
    siblings: [{ key: "territories", name: "Territory plan" }],
    documents: [{ key: "comp-plan", title: "Sales compensation plan" }],
    target: {
      key: "forecast",
      name: "Forecast",
      prompt:
        "Write the sales forecast: the weighted pipeline value, the win rate for enterprise deals, which region has the largest quota, and the commission rate above quota in the compensation plan.",
    },
    gold: [
      f("up0", "The weighted pipeline value stands at $14.2 million.", "$14.2 million"),
      f("up1", "Enterprise deals close at a win rate of 23%.", "win rate of 23%"),
      f("sib0", "The DACH region carries the largest quota next year.", "DACH region"),
      f("doc0", "Above quota the commission rate rises to 14%.", "14%"),
    ],
    distractors: [
      f("up0", "The CRM has 48 custom fields.", "48 custom fields"),
      f("up1", "The analysis used data since January 2022.", "January 2022"),
      f("doc0", "Expense claims are paid on the 25th.", "the 25th"),
    ],
  },
  {
    slug: "model-evaluation",
    index: "# INDEX\nEvaluation of the new ranking model before rollout.",
    nouns: ["model", "evaluation", "dataset", "metric", "experiment", "ranking", "baseline"],
    upstreams: [
      { key: "offline-eval", name: "Offline evaluation" },
      { key: "ab-test", name: "A/B test" },
    ],
    siblings: [{ key: "fairness", name: "Fairness review" }],
    documents: [{ key: "launch-criteria", title: "Launch criteria" }],
    target: {
      key: "eval-report",
      name: "Evaluation report",
      prompt:
        "Write the evaluation report for the ranking model: the offline NDCG gain over the baseline, the click-through change in the A/B test, the largest gap found in the fairness review, and the latency limit in the launch criteria.",
    },
    gold: [
      f("up0", "Offline, the new model improves NDCG@10 by 3.1 points over the baseline.", "3.1 points"),
      f("up1", "The A/B test showed click-through up 2.7% with no drop in retention.", "up 2.7%"),
      f("sib0", "The largest gap was for Portuguese queries, which ranked 9% worse.", "Portuguese queries"),
      f("doc0", "The launch criteria set a p99 latency limit of 120 ms.", "120 ms"),
    ],
    distractors: [
      f("up0", "The dataset has 1.3 million labelled pairs.", "1.3 million labelled pairs"),
      f("up1", "The experiment ran on 8 GPUs.", "8 GPUs"),
      f("doc0", "Criteria are owned by Mei Tanaka.", "Mei Tanaka"),
    ],
  },
  {
    slug: "office-move",
    index: "# INDEX\nMoving the Berlin team to a new office.",
    nouns: ["office", "move", "desk", "floor", "lease", "network", "employee"],
    upstreams: [
      { key: "space-plan", name: "Space plan" },
      { key: "move-schedule", name: "Move schedule" },
    ],
    siblings: [{ key: "it-setup", name: "IT setup" }],
    documents: [{ key: "new-lease", title: "New lease" }],
    target: {
      key: "move-brief",
      name: "Move brief",
      prompt:
        "Write the office move brief for employees: how many desks the new floor has, the moving day, when the network will be ready, and the address in the new lease.",
    },
    gold: [
      f("up0", "The new floor has 142 desks and 9 meeting rooms.", "142 desks"),
      f("up1", "Moving day is Saturday 8 November; boxes are collected on Friday.", "Saturday 8 November"),
      f("sib0", "The network will be ready on 5 November after the fibre install.", "5 November"),
      f("doc0", "The new office is at Lindenstraße 34, 10969 Berlin.", "Lindenstraße 34"),
    ],
    distractors: [
      f("up0", "The kitchen will have 2 dishwashers.", "2 dishwashers"),
      f("up1", "The moving company is rated 4.2 stars online.", "4.2 stars"),
      f("doc0", "The lease deposit is three months of rent.", "three months of rent"),
    ],
  },
];
