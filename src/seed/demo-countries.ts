/**
 * Demo countries: names, cities and phone numbers as people there have them. Each country lists 18 given and 18
 * family names (324 full names), no family name appears in two countries, and `x` in a phone pattern is any digit:
 * mobile ranges (the US by each city's area codes), each drawn number checked against libphonenumber's ranges.
 */

export interface DemoCountry {
  code: string;
  locale: string;
  /** How often customers come from here, relative to the others. */
  weight: number;
  cities: string[];
  givenNames: string[];
  familyNames: string[];
  /** Whether name days are celebrated. */
  nameDays: boolean;
  phonePatterns: string[];
  /** Patterns by city, where the number shows where one lives (US area codes). */
  cityPhonePatterns?: Record<string, string[]>;
}

export const COUNTRIES: DemoCountry[] = [
  {
    code: 'HR', locale: 'hr-HR', weight: 3, nameDays: true,
    cities: ['Zagreb', 'Split', 'Rijeka', 'Osijek', 'Zadar', 'Pula', 'Varaždin', 'Dubrovnik'],
    givenNames: ['Ana', 'Ivan', 'Marija', 'Luka', 'Petra', 'Marko', 'Iva', 'Josip', 'Lucija', 'Tomislav', 'Katarina', 'Filip', 'Martina', 'Ante', 'Sara', 'Matej', 'Nikolina', 'Domagoj'],
    familyNames: ['Horvat', 'Kovačević', 'Babić', 'Marić', 'Jurić', 'Knežević', 'Vuković', 'Marković', 'Petrović', 'Matić', 'Tomić', 'Pavlović', 'Božić', 'Blažević', 'Grgić', 'Perić', 'Šarić', 'Radić'],
    phonePatterns: ['+38591xxxxxxx', '+38592xxxxxxx', '+38595xxxxxxx', '+38598xxxxxxx', '+38599xxxxxxx'],
  },
  {
    code: 'SI', locale: 'sl-SI', weight: 1.5, nameDays: true,
    cities: ['Ljubljana', 'Maribor', 'Celje', 'Kranj', 'Koper', 'Novo mesto'],
    givenNames: ['Maja', 'Jan', 'Nina', 'Žiga', 'Eva', 'Nejc', 'Špela', 'Matic', 'Urška', 'Rok', 'Tjaša', 'Gašper', 'Katja', 'Blaž', 'Manca', 'Aljaž', 'Pia', 'Tilen'],
    familyNames: ['Novak', 'Krajnc', 'Zupančič', 'Kovač', 'Potočnik', 'Mlakar', 'Kos', 'Vidmar', 'Golob', 'Turk', 'Kralj', 'Božič', 'Korošec', 'Bizjak', 'Zupan', 'Hribar', 'Kavčič', 'Rozman'],
    phonePatterns: ['+38630xxxxxx', '+38631xxxxxx', '+38640xxxxxx', '+38641xxxxxx', '+38651xxxxxx', '+38670xxxxxx'],
  },
  {
    code: 'DE', locale: 'de-DE', weight: 1.5, nameDays: false,
    cities: ['Berlin', 'München', 'Hamburg', 'Köln', 'Frankfurt am Main', 'Stuttgart', 'Leipzig', 'Dresden'],
    givenNames: ['Anna', 'Lukas', 'Mia', 'Felix', 'Lena', 'Jonas', 'Hannah', 'Leon', 'Emilia', 'Paul', 'Sophie', 'Maximilian', 'Marie', 'Elias', 'Laura', 'Finn', 'Clara', 'Moritz'],
    familyNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann'],
    phonePatterns: ['+49151xxxxxxxx', '+49152xxxxxxxx', '+49157xxxxxxxx', '+49160xxxxxxx', '+49170xxxxxxx', '+49171xxxxxxx', '+49176xxxxxxxx'],
  },
  {
    code: 'AT', locale: 'de-AT', weight: 1, nameDays: false,
    cities: ['Wien', 'Graz', 'Linz', 'Salzburg', 'Innsbruck', 'Klagenfurt'],
    givenNames: ['Tobias', 'Magdalena', 'Florian', 'Theresa', 'Simon', 'Valentina', 'Jakob', 'Katharina', 'Sebastian', 'Johanna', 'David', 'Viktoria', 'Fabian', 'Lea', 'Matthias', 'Sarah', 'Andreas', 'Julia'],
    familyNames: ['Gruber', 'Huber', 'Bauer', 'Pichler', 'Steiner', 'Moser', 'Mayer', 'Hofer', 'Leitner', 'Berger', 'Fuchs', 'Eder', 'Lang', 'Schmid', 'Winkler', 'Reiter', 'Baumgartner', 'Brunner'],
    phonePatterns: ['+43664xxxxxxx', '+43676xxxxxxx', '+43650xxxxxxx', '+43660xxxxxxx'],
  },
  {
    code: 'US', locale: 'en-US', weight: 1, nameDays: false,
    cities: ['New York', 'Chicago', 'Austin', 'Seattle', 'Boston', 'Denver', 'San Francisco', 'Miami'],
    givenNames: ['Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'James', 'Sophia', 'Benjamin', 'Isabella', 'Ethan', 'Charlotte', 'Mason', 'Harper', 'Logan', 'Abigail', 'Jackson', 'Madison', 'Aiden'],
    familyNames: ['Smith', 'Johnson', 'Brown', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Martin', 'Thompson', 'Robinson', 'Lewis', 'Walker'],
    phonePatterns: ['+1212xxxxxxx'],
    cityPhonePatterns: {
      'New York': ['+1212xxxxxxx', '+1646xxxxxxx', '+1718xxxxxxx'], Chicago: ['+1312xxxxxxx', '+1773xxxxxxx'], Austin: ['+1512xxxxxxx', '+1737xxxxxxx'],
      Seattle: ['+1206xxxxxxx'], Boston: ['+1617xxxxxxx'], Denver: ['+1303xxxxxxx', '+1720xxxxxxx'], 'San Francisco': ['+1415xxxxxxx'], Miami: ['+1305xxxxxxx', '+1786xxxxxxx'],
    },
  },
  {
    code: 'GB', locale: 'en-GB', weight: 1, nameDays: false,
    cities: ['London', 'Manchester', 'Leeds', 'Birmingham', 'Bristol', 'Liverpool', 'Sheffield', 'Newcastle upon Tyne'],
    givenNames: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Poppy', 'Jack', 'Freya', 'Charlie', 'Ivy', 'Alfie', 'Florence', 'Arthur', 'Evie', 'Oscar', 'Rosie', 'Henry', 'Millie'],
    familyNames: ['Jones', 'Taylor', 'Williams', 'Davies', 'Evans', 'Wilson', 'Roberts', 'Wright', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Clarke', 'Turner', 'Hill', 'Cooper', 'Ward'],
    phonePatterns: ['+4474xxxxxxxx', '+4475xxxxxxxx', '+4477xxxxxxxx', '+4478xxxxxxxx', '+4479xxxxxxxx'],
  },
  {
    code: 'IT', locale: 'it-IT', weight: 1, nameDays: false,
    cities: ['Roma', 'Milano', 'Napoli', 'Torino', 'Bologna', 'Firenze', 'Palermo', 'Verona'],
    givenNames: ['Giulia', 'Francesco', 'Sofia', 'Alessandro', 'Aurora', 'Lorenzo', 'Ginevra', 'Matteo', 'Beatrice', 'Leonardo', 'Chiara', 'Andrea', 'Martina', 'Gabriele', 'Alice', 'Riccardo', 'Elena', 'Tommaso'],
    familyNames: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Costa', 'Giordano', 'Mancini', 'Rizzo'],
    phonePatterns: ['+39320xxxxxxx', '+39333xxxxxxx', '+39340xxxxxxx', '+39347xxxxxxx', '+39348xxxxxxx', '+39380xxxxxxx'],
  },
  {
    code: 'FR', locale: 'fr-FR', weight: 1, nameDays: false,
    cities: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Bordeaux', 'Lille', 'Strasbourg'],
    givenNames: ['Louise', 'Gabriel', 'Jade', 'Raphaël', 'Ambre', 'Louis', 'Alice', 'Jules', 'Chloé', 'Adam', 'Lina', 'Arthur', 'Léa', 'Hugo', 'Manon', 'Lucas', 'Camille', 'Nathan'],
    familyNames: ['Bernard', 'Dubois', 'Durand', 'Robert', 'Richard', 'Petit', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Lefebvre', 'Leroy', 'Roux', 'Bertrand', 'Morel', 'Fournier', 'Girard', 'Bonnet'],
    phonePatterns: ['+336xxxxxxxx', '+337xxxxxxxx'],
  },
  {
    code: 'ES', locale: 'es-ES', weight: 1, nameDays: false,
    cities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Zaragoza', 'Málaga', 'Bilbao', 'Palma'],
    givenNames: ['Lucía', 'Hugo', 'Martina', 'Martín', 'María', 'Pablo', 'Paula', 'Daniel', 'Valeria', 'Alejandro', 'Julia', 'Álvaro', 'Carmen', 'Mateo', 'Sofía', 'Javier', 'Elena', 'Diego'],
    familyNames: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero'],
    phonePatterns: ['+346xxxxxxxx', '+347xxxxxxxx'],
  },
  {
    code: 'NL', locale: 'nl-NL', weight: 1, nameDays: false,
    cities: ['Amsterdam', 'Rotterdam', 'Den Haag', 'Utrecht', 'Eindhoven', 'Groningen'],
    givenNames: ['Daan', 'Emma', 'Sem', 'Julia', 'Lucas', 'Tess', 'Finn', 'Sophie', 'Levi', 'Zoë', 'Milan', 'Fenna', 'Bram', 'Sara', 'Thijs', 'Lotte', 'Ruben', 'Anouk'],
    familyNames: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen'],
    phonePatterns: ['+316xxxxxxxx'],
  },
  {
    code: 'PL', locale: 'pl-PL', weight: 1, nameDays: true,
    cities: ['Warszawa', 'Kraków', 'Łódź', 'Wrocław', 'Poznań', 'Gdańsk', 'Szczecin', 'Lublin'],
    givenNames: ['Zuzanna', 'Jakub', 'Julia', 'Antoni', 'Zofia', 'Jan', 'Hanna', 'Szymon', 'Maja', 'Filip', 'Lena', 'Kacper', 'Alicja', 'Mikołaj', 'Oliwia', 'Wojciech', 'Natalia', 'Michał'],
    // Surnames that are the same for women and men (no -ski/-ska pairs).
    familyNames: ['Nowak', 'Wójcik', 'Kowalczyk', 'Woźniak', 'Mazur', 'Krawczyk', 'Kaczmarek', 'Zając', 'Król', 'Wieczorek', 'Wróbel', 'Stępień', 'Adamczyk', 'Dudek', 'Pawlak', 'Walczak', 'Sikora', 'Baran'],
    phonePatterns: ['+4850xxxxxxx', '+4851xxxxxxx', '+4860xxxxxxx', '+4869xxxxxxx', '+4879xxxxxxx', '+4888xxxxxxx'],
  },
  {
    code: 'IE', locale: 'en-IE', weight: 1, nameDays: false,
    cities: ['Dublin', 'Cork', 'Galway', 'Limerick', 'Waterford'],
    givenNames: ['Jack', 'Emily', 'Noah', 'Grace', 'James', 'Fiadh', 'Conor', 'Sophie', 'Seán', 'Aoife', 'Darragh', 'Saoirse', 'Cian', 'Niamh', 'Oisín', 'Ciara', 'Fionn', 'Róisín'],
    familyNames: ['Murphy', 'Kelly', "O'Sullivan", 'Walsh', "O'Brien", 'Byrne', 'Ryan', "O'Connor", "O'Neill", 'Doyle', 'McCarthy', 'Gallagher', "O'Doherty", 'Kennedy', 'Lynch', 'Murray', 'Quinn', 'Moore'],
    phonePatterns: ['+35383xxxxxxx', '+35385xxxxxxx', '+35386xxxxxxx', '+35387xxxxxxx'],
  },
  {
    code: 'SE', locale: 'sv-SE', weight: 1, nameDays: true,
    cities: ['Stockholm', 'Göteborg', 'Malmö', 'Uppsala', 'Västerås', 'Örebro'],
    givenNames: ['Alice', 'Lucas', 'Maja', 'William', 'Elsa', 'Hugo', 'Astrid', 'Oscar', 'Wilma', 'Liam', 'Ebba', 'Elias', 'Saga', 'Axel', 'Alma', 'Nils', 'Freja', 'Viggo'],
    familyNames: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Lindberg', 'Lindqvist', 'Berg'],
    phonePatterns: ['+4670xxxxxxx', '+4672xxxxxxx', '+4673xxxxxxx', '+4676xxxxxxx'],
  },
];
