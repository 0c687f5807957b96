/** The examples dialog: the tutorials' programs by topic, each with its title and one line. */
import { EXAMPLES, TOPICS, type Example } from '../gallery';
import { translate, type Locale } from '../i18n';
import { element } from './toolbar';

export class GalleryDialog {
  private readonly dialog = element<HTMLDialogElement>('gallery');
  private readonly list = element('gallery-list', this.dialog);

  constructor(
    private readonly locale: () => Locale,
    private readonly open: (example: Example) => void,
  ) {
    element('gallery-close', this.dialog).addEventListener('click', () => this.dialog.close());
  }

  show(): void {
    this.render();
    this.dialog.showModal();
    this.list.scrollTop = 0;
  }

  private render(): void {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) =>
      translate(this.locale(), key, params);
    this.list.replaceChildren(
      ...TOPICS.map((topic) => {
        const section = document.createElement('section');
        const heading = document.createElement('h3');
        heading.textContent = t(`topic_${topic}`);
        section.append(heading);
        for (const example of EXAMPLES.filter((ex) => ex.topic === topic)) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'example';
          button.dataset.testid = `example-${example.id}`;
          const title = document.createElement('strong');
          title.textContent = t(example.title);
          const about = document.createElement('span');
          about.textContent = t(example.summary);
          const files = document.createElement('code');
          files.textContent = example.files.join(' + ');
          button.append(title, about, files);
          button.addEventListener('click', () => {
            this.dialog.close();
            this.open(example);
          });
          section.append(button);
        }
        return section;
      }),
    );
  }
}
