import { listPlaybookFields, type ProjectSnapshot } from '@playbook/contract';
import { playbookCatalog } from '../../../project-service/src/domain/playbook-catalog';

/** Answers a real team might write, with the scripts the PDF must show: accents, CJK, RTL and emoji. */
const ANSWERS = [
  'Understand why first-time visitors to the Zürich library leave without borrowing anything.',
  'Who comes in for the first time, and what did they expect?\nWhere do they look for help?\nWhat makes them leave?',
  'Students (exam season)\nParents with toddlers\nRetired readers — Hélène, 72, reads in French and German\nNewcomers: 李娜 (Chinese), سارة (Arabic), נועה (Hebrew)',
  'We had eleven conversations at the entrance and two at the café.\n\nMost visitors did not know that the card is free. Several said the self-service machines “look like airport check-in”.\nOne parent said: “I came for the story hour 📚 but could not find the room.”',
  '“I thought I needed a card before I could even sit down.”\n«Je cherchais les livres en français, sans succès.»\n"我以为要付费才能借书。"\n"لم أجد أي لافتة بالعربية"',
  'People skip the help desk because it looks busy.\nSignage is only in German.\nThe children’s corner is invisible from the entrance 👶',
  'Newcomer to the city, 20–40, curious but unsure of the rules.',
  'First-time visitors need a way to feel welcome within a minute, because uncertainty about rules makes them leave.',
  'How might we make the first minute in the library feel like an invitation?',
  'A greeter cart at the entrance ✨\nMultilingual welcome card (DE / FR / EN / 中文 / العربية / עברית)\nFloor stickers leading to the children’s corner\n“Ask me” badges for staff',
  'Welcome card with a QR-free map: paper only, no app to install.',
  'A folded A5 card handed out at the door: opening hours, free card, where things are, in six languages.',
  'Paper prototype, printed on the office printer; two versions of the map.',
  'Desirability: visitors take the card and keep it.\nFeasibility: staff can hand it out during rush hour.',
  'If we hand out the card, then more first-time visitors will stay longer than 10 minutes.',
  'Eight sessions on Saturday morning; two facilitators; consent forms in four languages.',
  'Visitors read the map side first.\nThe Arabic text was right-to-left as expected: مرحبا بكم في المكتبة\nChildren loved the sticker trail 🎉',
  'Likes: the map, the languages.\nWishes: bigger type for older readers.',
  'Validated: a paper card is welcome.\nInvalidated: nobody wanted a QR code.',
  'Iterate: bigger type, add the café, print 500 copies.',
  'Ship the card at the two busiest branches next month.',
  'Print run: Maria\nTranslation check: Yusuf (عربي), Dana (עברית), Wei (中文)\nMeasure stay time again in four weeks',
  'Does the card work for visually impaired visitors?',
  'Share with the branch managers on 4 December; send the PDF to the city council.',
  'Ñandú, Øresund, Ærøskøbing, Łódź, Čeština, Ελληνικά, Русский — all printed as typed.',
];

/** A typical playbook: every fourth field of the catalog answered (25 of them), line breaks and all scripts included. */
export function sampleResponses(count = 25): Array<{ fieldId: string; value: string }> {
  const fields = listPlaybookFields(playbookCatalog).filter((_, index) => index % 4 === 1).slice(0, count);
  return fields.map(({ field }, index) => ({ fieldId: field.id, value: (ANSWERS[index % ANSWERS.length] ?? '').slice(0, field.maxLength) }));
}

/** A snapshot as project-service answers `project.v1.snapshot.get`, for rendering without the service. */
export function sampleSnapshot(overrides: Partial<ProjectSnapshot['project']> = {}, responses = sampleResponses(), contentVersion = 1): ProjectSnapshot {
  const now = new Date('2026-11-27T10:00:00Z').toISOString();
  return {
    project: {
      id: 'sample-project',
      ownerId: 'sample-owner',
      name: 'Library welcome — Bibliothèque 図書館',
      description: 'How might first-time visitors feel at home in the city library within their first minute?',
      createdAt: now,
      updatedAt: now,
      ...overrides,
    },
    responses: responses.map((response) => ({ ...response, updatedAt: now })),
    catalog: playbookCatalog,
    contentVersion,
  };
}
