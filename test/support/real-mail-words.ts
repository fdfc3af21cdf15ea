// What the corpus's text is made of: syllables of made-up words, the letters of each script,
// everyday sentences in each language, and the people who write.

export const SYLLABLES = [
  'zor bul quim fla nox trev mop dra zel kint vop glim brak clu dov fesk gunt hask jub kro lup',
  'morn nep osk prit quel ront sib tund vask wib yark zest plon snib throg umb vrel wunk xan yib',
  'zub grol fint mabb tazz',
]
  .join(' ')
  .split(' ');
export const SUFFIXES = ['ate', 'ify', 'ous', 'ent', 'ix', 'oon', 'el', 'ing', 'ery', 'ism', 'ard'];

export type Script =
  | 'latin1'
  | 'latin2'
  | 'latin9'
  | 'cp1252'
  | 'cp1252-only'
  | 'cyrillic'
  | 'greek'
  | 'hebrew'
  | 'arabic'
  | 'katakana'
  | 'hangul'
  | 'hanzi'
  | 'hanzi-trad';

/** Letters each script's made-up words are built from; every one fits the charsets used. */
export const LETTERS: Record<Script, string> = {
  latin1: 'éèêàâäçñöüßøåæíóú',
  latin2: 'ąćęłńśźżčďěňřšťůžő',
  // ISO-8859-15's letters that ISO-8859-1 and -9 do not have
  latin9: 'œšž',
  cp1252: 'éñüßœšžƒ',
  // Windows-1252's letters that ISO-8859-1 does not have (its bytes 0x80-0x9f)
  'cp1252-only': 'šœžƒ',
  cyrillic: 'бвгдзклмнпрстфхчш|аеиоуыяю',
  greek: 'βγδζθκλμνξπρστφχψ|αεηιουω',
  hebrew: 'אבגדהוזחטיכלמנסעפצקרשת',
  arabic: 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  katakana:
    'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ',
  hangul:
    '가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히',
  hanzi:
    '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从',
  'hanzi-trad':
    '的一是不了人我在有他這為之大來以個中上們到說國和地也子時道出而要於就下得可你年生自會那後能對著事其裡所去行過家十用發天如然作方成者多日都三小軍二無同麼經法當起與好看學進種將還分此心前面又定見只主沒公從',
};

export type Lang = 'en' | 'ja' | 'ko' | 'zhs' | 'zht' | 'ru' | 'el' | 'pl' | 'fr' | 'he' | 'ar';

/** Everyday sentences in each language, every one encodable in the charsets used for it. */
export const FILLER: Record<Lang, string[]> = {
  en: [
    'Thanks for sending this over so quickly.',
    'I have attached the latest version of the document.',
    'Let me know if anything here looks wrong to you.',
    'We can go through the details at the meeting on Thursday.',
    'The numbers for the last quarter are a little better than expected.',
    'Please check the second section before we send it out.',
    'I will be out of the office until Monday morning.',
    'Could you forward this to the rest of the team?',
    'The build passed on all platforms after the last change.',
    'Here is a short summary of what we agreed on the call.',
    'Sorry for the late reply, it has been a busy week.',
    'The invoice should arrive by the end of the month.',
    'Our office will be closed for the holiday on Friday.',
    'I think the second option is the safer one for now.',
    'The printer on the third floor is working again.',
    'Remember to update your password before the deadline.',
    'The train was late again, so I missed the first talk.',
    'Lunch is on the terrace today if the weather holds.',
    'We moved the review to next week to give everyone more time.',
    'Can you confirm the address for the delivery?',
  ],
  ja: [
    'お世話になっております。',
    '会議の資料をお送りします。',
    'ご確認のほど、よろしくお願いいたします。',
    '明日の予定について連絡します。',
  ],
  ko: ['안녕하세요.', '회의 자료를 보내 드립니다.', '확인 부탁드립니다.', '감사합니다.'],
  zhs: ['您好，', '请查收会议资料。', '谢谢！', '明天下午开会。'],
  zht: ['您好，', '請查收會議資料。', '謝謝！', '明天下午開會。'],
  ru: [
    'Здравствуйте!',
    'Высылаю материалы к совещанию.',
    'С уважением, Иван.',
    'Прошу подтвердить получение.',
  ],
  el: ['Καλημέρα σας.', 'Σας στέλνω το υλικό της συνάντησης.', 'Ευχαριστώ πολύ.'],
  pl: [
    'Dzień dobry,',
    'Przesyłam materiały na spotkanie.',
    'Pozdrawiam serdecznie.',
    'Děkuji za odpověď.',
  ],
  fr: [
    'Bonjour à tous,',
    'Voici le compte rendu de la réunion.',
    'Merci de votre réponse.',
    'Schöne Grüße aus München.',
  ],
  he: ['שלום רב,', 'מצורף החומר לפגישה.', 'תודה רבה.'],
  ar: ['مرحبا،', 'مرفق ملف الاجتماع.', 'شكرا جزيلا.'],
};

export const PEOPLE = [
  ['Ana Torres', 'ana.torres@example.org'],
  ['Bram de Vries', 'bram@example.net'],
  ['Chen Wei', 'chen.wei@example.com'],
  ['Dana Okafor', 'dana.okafor@example.org'],
  ['Emil Lindqvist', 'emil@lists.example.net'],
  ['Fatima Rahman', 'f.rahman@example.com'],
  ['Gustavo Pereira', 'gpereira@example.org'],
  ['Hana Sato', 'hana.sato@example.jp'],
] as const;
