import type { PlaybookCatalog } from '@playbook/contract';

/*
 * The design-thinking playbook, as data. Ids are stable: renaming a label or help text is fine (bump the
 * version), changing an id orphans stored answers. Bump `version` on any change: it is part of the PDF cache key.
 */

/** Answer limits by kind of field (characters). */
const SHORT = 300;
const MEDIUM = 1_000;
const LIST = 4_000;
const LONG = 8_000;
const NOTES = 20_000;

export const playbookCatalog: PlaybookCatalog = {
  version: '2026.11.1',
  phases: [
    {
      id: 'empathize',
      title: 'Empathize',
      summary: 'Understand the people you design for: what they say, think, do and feel, in their own context.',
      color: '#1F5F9E',
      sections: [
        {
          id: 'research_plan',
          title: 'Research plan',
          intro: 'Decide what you need to learn and from whom before you go out into the field.',
          fields: [
            { id: 'empathize.research_plan.goal', label: 'Research goal', help: 'What do you need to learn, in one sentence?', type: 'text', maxLength: SHORT },
            { id: 'empathize.research_plan.questions', label: 'Research questions', help: 'The open questions your research must answer, one per line.', type: 'list', maxLength: LIST },
            { id: 'empathize.research_plan.participants', label: 'Who to talk to', help: 'The people or groups you will recruit, and why each matters.', type: 'list', maxLength: LIST },
            { id: 'empathize.research_plan.methods', label: 'Methods', help: 'Interviews, observation, shadowing, diary studies, surveys… and what each is for.', type: 'list', maxLength: LIST },
            { id: 'empathize.research_plan.assumptions', label: 'What we already believe', help: 'Write down your current assumptions so the research can challenge them.', type: 'list', maxLength: LIST },
            { id: 'empathize.research_plan.schedule', label: 'Schedule and logistics', help: 'Dates, places, who interviews and who takes notes, consent and incentives.', type: 'longText', maxLength: LONG },
          ],
        },
        {
          id: 'interviews',
          title: 'Interviews and observation',
          intro: 'Listen more than you talk; ask about the last time something happened, and keep asking why.',
          fields: [
            { id: 'empathize.interviews.guide', label: 'Interview guide', help: 'Open questions in order, from broad warm-up to specific stories.', type: 'longText', maxLength: LONG },
            { id: 'empathize.interviews.participants_log', label: 'Participants', help: 'One per line: pseudonym, role or segment, date of the session.', type: 'list', maxLength: LIST },
            { id: 'empathize.interviews.notes', label: 'Interview notes', help: 'What you heard and saw, as close to the participant’s words as possible.', type: 'longText', maxLength: NOTES },
            { id: 'empathize.interviews.key_quotes', label: 'Key quotes', help: 'Verbatim quotes that stuck with the team, one per line.', type: 'list', maxLength: LIST },
            { id: 'empathize.interviews.observations', label: 'Observations', help: 'What people actually did: workarounds, hesitations, shortcuts, tools at hand.', type: 'list', maxLength: LIST },
            { id: 'empathize.interviews.surprises', label: 'Surprises', help: 'Anything that contradicted what you expected.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'empathy_map',
          title: 'Empathy map',
          intro: 'Capture one user (or one segment) in four quadrants, then name their pains and gains.',
          fields: [
            { id: 'empathize.empathy_map.user', label: 'Who this map is about', help: 'The person or segment, described in a line.', type: 'text', maxLength: SHORT },
            { id: 'empathize.empathy_map.says', label: 'Says', help: 'What they said out loud, in their words.', type: 'list', maxLength: LIST },
            { id: 'empathize.empathy_map.thinks', label: 'Thinks', help: 'What they might be thinking but not saying: beliefs, worries, hopes.', type: 'list', maxLength: LIST },
            { id: 'empathize.empathy_map.does', label: 'Does', help: 'Actions and behaviours you observed.', type: 'list', maxLength: LIST },
            { id: 'empathize.empathy_map.feels', label: 'Feels', help: 'Emotions you noticed or inferred, and what triggered them.', type: 'list', maxLength: LIST },
            { id: 'empathize.empathy_map.pains', label: 'Pains', help: 'Frustrations, obstacles and fears.', type: 'list', maxLength: LIST },
            { id: 'empathize.empathy_map.gains', label: 'Gains', help: 'What success, relief or delight would look like for them.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'context',
          title: 'Stakeholders and context',
          intro: 'Look beyond the user: who else is involved, and what already exists.',
          fields: [
            { id: 'empathize.context.stakeholders', label: 'Stakeholders', help: 'Everyone who influences or is affected by the problem, and their stake.', type: 'list', maxLength: LIST },
            { id: 'empathize.context.environment', label: 'Environment and constraints', help: 'Where and when the problem happens; physical, social, legal or technical limits.', type: 'longText', maxLength: LONG },
            { id: 'empathize.context.existing_solutions', label: 'Existing solutions and workarounds', help: 'What people use today, and what they like and dislike about it.', type: 'list', maxLength: LIST },
          ],
        },
      ],
    },
    {
      id: 'define',
      title: 'Define',
      summary: 'Make sense of what you learned and frame the right problem to solve.',
      color: '#6B3FA0',
      sections: [
        {
          id: 'synthesis',
          title: 'Synthesis',
          intro: 'Put every observation on a sticky note and cluster them until themes emerge.',
          fields: [
            { id: 'define.synthesis.themes', label: 'Themes', help: 'The clusters from your affinity map, one per line with a short name.', type: 'list', maxLength: LIST },
            { id: 'define.synthesis.patterns', label: 'Patterns', help: 'What repeats across participants, and where they differ.', type: 'longText', maxLength: LONG },
            { id: 'define.synthesis.tensions', label: 'Tensions and contradictions', help: 'Where what people say and what they do disagree.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'personas',
          title: 'Personas',
          intro: 'Archetypes grounded in your research, not in demographics alone.',
          fields: [
            { id: 'define.personas.primary_name', label: 'Primary persona', help: 'A name and a one-line description, e.g. “Maya, night-shift nurse”.', type: 'text', maxLength: SHORT },
            { id: 'define.personas.primary_background', label: 'Background', help: 'Their situation, routine and context in a few sentences.', type: 'longText', maxLength: LONG },
            { id: 'define.personas.primary_goals', label: 'Goals', help: 'What they are trying to achieve.', type: 'list', maxLength: LIST },
            { id: 'define.personas.primary_frustrations', label: 'Frustrations', help: 'What gets in their way today.', type: 'list', maxLength: LIST },
            { id: 'define.personas.primary_quote', label: 'Defining quote', help: 'One sentence they might say that sums them up.', type: 'text', maxLength: SHORT },
            { id: 'define.personas.secondary', label: 'Secondary personas', help: 'Other archetypes worth keeping in mind, and how they differ.', type: 'longText', maxLength: LONG },
          ],
        },
        {
          id: 'journey_map',
          title: 'Journey map',
          intro: 'Follow the persona through one scenario, stage by stage, and mark the highs and lows.',
          fields: [
            { id: 'define.journey_map.scenario', label: 'Scenario', help: 'The journey you map, with its start and end.', type: 'text', maxLength: MEDIUM },
            { id: 'define.journey_map.stages', label: 'Stages', help: 'The steps of the journey in order.', type: 'list', maxLength: LIST },
            { id: 'define.journey_map.actions', label: 'Actions', help: 'What the persona does at each stage.', type: 'list', maxLength: LIST },
            { id: 'define.journey_map.touchpoints', label: 'Touchpoints', help: 'People, channels and tools they meet along the way.', type: 'list', maxLength: LIST },
            { id: 'define.journey_map.emotions', label: 'Emotions', help: 'How they feel at each stage: the highs and the lows.', type: 'list', maxLength: LIST },
            { id: 'define.journey_map.pain_points', label: 'Pain points', help: 'Where the journey breaks down or drags.', type: 'list', maxLength: LIST },
            { id: 'define.journey_map.opportunities', label: 'Opportunities', help: 'Where a better experience could make the biggest difference.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'insights',
          title: 'Insights',
          intro: 'An insight explains why people behave as they do; it is not just an observation.',
          fields: [
            { id: 'define.insights.key_insights', label: 'Key insights', help: 'Non-obvious truths about your users, one per line.', type: 'list', maxLength: LIST },
            { id: 'define.insights.needs', label: 'User needs', help: 'Needs as verbs (“to feel…”, “to know…”), not as solutions.', type: 'list', maxLength: LIST },
            { id: 'define.insights.evidence', label: 'Evidence', help: 'The quotes and observations each insight rests on.', type: 'longText', maxLength: LONG },
          ],
        },
        {
          id: 'point_of_view',
          title: 'Point of view and how might we',
          intro: 'Combine user, need and insight into a point of view, then open it up with questions.',
          fields: [
            { id: 'define.point_of_view.statement', label: 'Point-of-view statement', help: '[User] needs [need] because [insight].', type: 'longText', maxLength: MEDIUM },
            { id: 'define.point_of_view.how_might_we', label: 'How might we…', help: 'Questions that turn the point of view into design challenges, one per line.', type: 'list', maxLength: LIST },
            { id: 'define.point_of_view.chosen_hmw', label: 'Chosen question', help: 'The how-might-we you will take into ideation.', type: 'text', maxLength: MEDIUM },
          ],
        },
        {
          id: 'problem_statement',
          title: 'Problem statement',
          intro: 'Agree as a team on the problem, how you will know it is solved, and what is out of bounds.',
          fields: [
            { id: 'define.problem_statement.statement', label: 'Problem statement', help: 'The problem in a few human-centred sentences, free of solutions.', type: 'longText', maxLength: LONG },
            { id: 'define.problem_statement.success_criteria', label: 'Success criteria', help: 'Observable signs that the problem is solved.', type: 'list', maxLength: LIST },
            { id: 'define.problem_statement.constraints', label: 'Constraints', help: 'Budget, time, technology, regulation and other limits.', type: 'list', maxLength: LIST },
            { id: 'define.problem_statement.out_of_scope', label: 'Out of scope', help: 'What this project deliberately will not address.', type: 'list', maxLength: LIST },
          ],
        },
      ],
    },
    {
      id: 'ideate',
      title: 'Ideate',
      summary: 'Go wide before you go narrow: generate many ideas, then choose with clear criteria.',
      color: '#C0641A',
      sections: [
        {
          id: 'preparation',
          title: 'Framing the session',
          intro: 'A good prompt, the right people and a few rules make a brainstorm productive.',
          fields: [
            { id: 'ideate.preparation.prompt', label: 'Brainstorm prompt', help: 'The question the group will answer, usually your chosen how-might-we.', type: 'text', maxLength: MEDIUM },
            { id: 'ideate.preparation.participants', label: 'Participants', help: 'Who takes part, including people outside the core team.', type: 'list', maxLength: LIST },
            { id: 'ideate.preparation.rules', label: 'Ground rules', help: 'E.g. defer judgement, go for quantity, build on the ideas of others.', type: 'list', maxLength: LIST },
            { id: 'ideate.preparation.inspiration', label: 'Inspiration and analogies', help: 'Other fields, products or places that solved something similar.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'brainstorm',
          title: 'Brainstorm',
          intro: 'Write every idea down, one per line; wild ones included.',
          fields: [
            { id: 'ideate.brainstorm.ideas', label: 'Ideas', help: 'Every idea from the session, one per line.', type: 'list', maxLength: NOTES },
            { id: 'ideate.brainstorm.wild_ideas', label: 'Wild ideas', help: 'The bold, impractical or funny ones that might spark something.', type: 'list', maxLength: LIST },
            { id: 'ideate.brainstorm.builds', label: '“Yes, and…” builds', help: 'Ideas that grew out of combining or extending others.', type: 'list', maxLength: LIST },
            { id: 'ideate.brainstorm.clusters', label: 'Idea clusters', help: 'Groups of related ideas with a short name each.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'selection',
          title: 'Idea selection',
          intro: 'Choose on purpose: agree on criteria, vote, and write down why.',
          fields: [
            { id: 'ideate.selection.criteria', label: 'Selection criteria', help: 'E.g. desirability, feasibility, viability, impact on the persona.', type: 'list', maxLength: LIST },
            { id: 'ideate.selection.shortlist', label: 'Shortlist', help: 'The ideas that passed a first filter.', type: 'list', maxLength: LIST },
            { id: 'ideate.selection.votes', label: 'Voting results', help: 'Dot-voting or scoring per idea against the criteria.', type: 'longText', maxLength: LONG },
            { id: 'ideate.selection.rationale', label: 'Why these ideas', help: 'The reasoning behind the choice, including trade-offs.', type: 'longText', maxLength: LONG },
            { id: 'ideate.selection.parked', label: 'Parked ideas', help: 'Good ideas kept for later, so they are not lost.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'concepts',
          title: 'Concepts',
          intro: 'Turn the chosen ideas into a concept someone outside the team could understand.',
          fields: [
            { id: 'ideate.concepts.name', label: 'Concept name', help: 'A short, memorable name.', type: 'text', maxLength: SHORT },
            { id: 'ideate.concepts.description', label: 'Concept description', help: 'What it is and who it is for, in a paragraph.', type: 'longText', maxLength: LONG },
            { id: 'ideate.concepts.value_proposition', label: 'Value proposition', help: 'The benefit to the persona, in one sentence.', type: 'text', maxLength: MEDIUM },
            { id: 'ideate.concepts.how_it_works', label: 'How it works', help: 'The key steps of the experience, in order.', type: 'list', maxLength: LIST },
            { id: 'ideate.concepts.risks', label: 'Risks', help: 'What could make this concept fail.', type: 'list', maxLength: LIST },
            { id: 'ideate.concepts.alternatives', label: 'Alternative concepts', help: 'Other concepts considered, and why they were set aside.', type: 'longText', maxLength: LONG },
          ],
        },
      ],
    },
    {
      id: 'prototype',
      title: 'Prototype',
      summary: 'Build to think: make the cheapest thing that lets you learn something real.',
      color: '#2E7D4F',
      sections: [
        {
          id: 'plan',
          title: 'Prototype plan',
          intro: 'Every prototype answers a question; choose the lowest fidelity that can answer it.',
          fields: [
            { id: 'prototype.plan.goal', label: 'Question to answer', help: 'What this prototype must help you learn.', type: 'text', maxLength: MEDIUM },
            { id: 'prototype.plan.fidelity', label: 'Form and fidelity', help: 'Paper, storyboard, role-play, clickable mock-up, Wizard of Oz…', type: 'text', maxLength: MEDIUM },
            { id: 'prototype.plan.materials', label: 'Materials and tools', help: 'What you need to build it.', type: 'list', maxLength: LIST },
            { id: 'prototype.plan.scope', label: 'Scope', help: 'What is real, what is faked, and what is left out.', type: 'list', maxLength: LIST },
            { id: 'prototype.plan.timebox', label: 'Timebox', help: 'How long you allow yourselves to build it.', type: 'text', maxLength: SHORT },
            { id: 'prototype.plan.roles', label: 'Roles', help: 'Who builds, who facilitates, who observes.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'assumptions',
          title: 'Assumptions to test',
          intro: 'List what must be true for the concept to work, and pick the riskiest first.',
          fields: [
            { id: 'prototype.assumptions.desirability', label: 'Desirability assumptions', help: 'What must be true about what people want.', type: 'list', maxLength: LIST },
            { id: 'prototype.assumptions.feasibility', label: 'Feasibility assumptions', help: 'What must be true about what can be built.', type: 'list', maxLength: LIST },
            { id: 'prototype.assumptions.viability', label: 'Viability assumptions', help: 'What must be true about cost, business and sustainability.', type: 'list', maxLength: LIST },
            { id: 'prototype.assumptions.riskiest', label: 'Riskiest assumption', help: 'The one that would sink the concept if it were wrong.', type: 'text', maxLength: MEDIUM },
            { id: 'prototype.assumptions.hypothesis', label: 'Hypothesis', help: 'We believe [this] will [result]; we will know when we see [signal].', type: 'longText', maxLength: MEDIUM },
          ],
        },
        {
          id: 'build',
          title: 'Build log',
          intro: 'Record what you made and how it changed, so the test results make sense later.',
          fields: [
            { id: 'prototype.build.description', label: 'What we built', help: 'A description of the prototype someone could rebuild from.', type: 'longText', maxLength: LONG },
            { id: 'prototype.build.storyboard', label: 'Storyboard', help: 'The frames of the user’s story with the prototype, in order.', type: 'list', maxLength: LIST },
            { id: 'prototype.build.iterations', label: 'Iterations', help: 'Each version and what changed, one per line.', type: 'list', maxLength: LIST },
            { id: 'prototype.build.links', label: 'Links and artefacts', help: 'Where photos, files and mock-ups live.', type: 'list', maxLength: LIST },
            { id: 'prototype.build.open_questions', label: 'Open questions', help: 'What building it raised that you still cannot answer.', type: 'list', maxLength: LIST },
          ],
        },
      ],
    },
    {
      id: 'test',
      title: 'Test',
      summary: 'Put the prototype in front of real users, watch, listen, and learn what to do next.',
      color: '#B03A2E',
      sections: [
        {
          id: 'test_plan',
          title: 'Test plan',
          intro: 'Plan the sessions so every one of them can confirm or refute an assumption.',
          fields: [
            { id: 'test.test_plan.objectives', label: 'Objectives', help: 'The assumptions and questions this round of testing addresses.', type: 'list', maxLength: LIST },
            { id: 'test.test_plan.participants', label: 'Participants', help: 'Who will test it, how many, and how you will recruit them.', type: 'list', maxLength: LIST },
            { id: 'test.test_plan.script', label: 'Test script', help: 'Introduction, scenario, tasks and debrief questions.', type: 'longText', maxLength: LONG },
            { id: 'test.test_plan.tasks', label: 'Tasks', help: 'What participants will be asked to do, one per line.', type: 'list', maxLength: LIST },
            { id: 'test.test_plan.metrics', label: 'What we measure', help: 'Success rates, time, errors, quotes, willingness to pay…', type: 'list', maxLength: LIST },
            { id: 'test.test_plan.logistics', label: 'Logistics', help: 'Dates, place or tool, roles, recording and consent.', type: 'longText', maxLength: LONG },
          ],
        },
        {
          id: 'sessions',
          title: 'Test sessions',
          intro: 'Let the prototype speak for itself; observe without explaining or defending.',
          fields: [
            { id: 'test.sessions.notes', label: 'Session notes', help: 'What happened in each session, participant by participant.', type: 'longText', maxLength: NOTES },
            { id: 'test.sessions.observations', label: 'Observations', help: 'Where people hesitated, succeeded, or used it in unexpected ways.', type: 'list', maxLength: LIST },
            { id: 'test.sessions.quotes', label: 'Quotes', help: 'What participants said, verbatim.', type: 'list', maxLength: LIST },
            { id: 'test.sessions.task_results', label: 'Task results', help: 'Per task: completed, struggled or failed, and why.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'feedback_grid',
          title: 'Feedback capture grid',
          intro: 'Sort the feedback into four quadrants right after each session.',
          fields: [
            { id: 'test.feedback_grid.likes', label: 'Likes', help: 'What participants liked or found valuable.', type: 'list', maxLength: LIST },
            { id: 'test.feedback_grid.wishes', label: 'Wishes', help: 'Constructive criticism: what they wished were different.', type: 'list', maxLength: LIST },
            { id: 'test.feedback_grid.questions', label: 'Questions', help: 'Questions the session raised, from participants or observers.', type: 'list', maxLength: LIST },
            { id: 'test.feedback_grid.ideas', label: 'Ideas', help: 'New ideas that came up during the session.', type: 'list', maxLength: LIST },
          ],
        },
        {
          id: 'learnings',
          title: 'Learnings',
          intro: 'Compare what happened with your hypotheses, honestly.',
          fields: [
            { id: 'test.learnings.validated', label: 'Validated assumptions', help: 'What the evidence supports.', type: 'list', maxLength: LIST },
            { id: 'test.learnings.invalidated', label: 'Invalidated assumptions', help: 'What turned out to be wrong, and the evidence.', type: 'list', maxLength: LIST },
            { id: 'test.learnings.surprises', label: 'Surprises', help: 'What nobody on the team expected.', type: 'list', maxLength: LIST },
            { id: 'test.learnings.summary', label: 'Summary of learnings', help: 'What you now know that you did not know before.', type: 'longText', maxLength: LONG },
          ],
        },
        {
          id: 'next_steps',
          title: 'Next steps',
          intro: 'Design thinking is a loop: decide where to go back to, and who does what.',
          fields: [
            { id: 'test.next_steps.decision', label: 'Decision', help: 'Persevere, iterate, pivot or stop, and why.', type: 'text', maxLength: MEDIUM },
            { id: 'test.next_steps.changes', label: 'Changes to the concept', help: 'What you will change in the next iteration.', type: 'list', maxLength: LIST },
            { id: 'test.next_steps.actions', label: 'Actions', help: 'One per line: what, who, by when.', type: 'list', maxLength: LIST },
            { id: 'test.next_steps.open_questions', label: 'Open questions', help: 'What you still need to find out, and which phase to revisit.', type: 'list', maxLength: LIST },
            { id: 'test.next_steps.share', label: 'Who needs to know', help: 'Stakeholders to share the results with, and how.', type: 'list', maxLength: LIST },
          ],
        },
      ],
    },
  ],
};
